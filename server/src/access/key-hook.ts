import type { ProviderConfig } from "../config.ts";
import { TollgateError } from "../errors.ts";
import type { CallState } from "../proxy/call-state.ts";
import type { BeforeForward } from "../proxy/handler.ts";
import type { KeyCache } from "./key-cache.ts";
import { scopeOf } from "./key-scopes.ts";
import { VIRTUAL_KEY_PATTERN } from "./key-secrets.ts";
import { requireParsedBody } from "./parsed-body.ts";
import { credentialHeaders, formatAdapter } from "../providers/index.ts";

/**
 * Headers a virtual-key client may not send beside the held key: OpenAI's organisation and project pick
 * whose account the held key bills, which is the operator's choice, not the key holder's. The accept-encoding
 * the client sent is replaced by identity, so the held key can be scrubbed from the response's bytes.
 */
const HOLDER_DROPPED = new Set(["openai-organization", "openai-project", "accept-encoding"]);

export interface FoundKey {
  key: string;
  /** the lower-case header it came in, or "query" for ?key= */
  source: string;
}

/**
 * Finds a `tg_` virtual key wherever an SDK puts it (any registered format's key header, or ?key=); null when
 * the request carries none (pass-through).
 */
export function findVirtualKey(headers: readonly string[], query: string): FoundKey | null {
  const credentials = credentialHeaders();
  for (let i = 0; i < headers.length; i += 2) {
    const lower = (headers[i] as string).toLowerCase();
    if (!credentials.has(lower)) continue;
    let value = (headers[i + 1] as string).trim();
    // `Authorization: tg_…` without a scheme is recognised too (never forwarded verbatim).
    if (lower === "authorization" && value.length >= 7 && value.slice(0, 7).toLowerCase() === "bearer ") value = value.slice(7).trim();
    if (value.startsWith("tg_")) return { key: value, source: lower };
  }
  if (query.length > 0 && query.includes("key=tg_")) {
    for (const part of query.split("&")) {
      if (part.startsWith("key=tg_")) return { key: decodeQueryValue(part.slice(4)), source: "query" };
    }
  }
  return null;
}

function decodeQueryValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // malformed %-escapes: looked up as sent, which fails as an unknown key
  }
}

/**
 * Replaces the client's credentials with the provider key Tollgate holds, sent as the route's format declares
 * (its adapter's `auth`), in place in the raw header list; drops the headers a key holder may not choose
 * (HOLDER_DROPPED) and asks for an uncompressed answer.
 */
export function substituteProviderKey(headers: string[], call: { provider: ProviderConfig; query: string }, source: string, heldKey: string): void {
  const credentials = credentialHeaders();
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    const lower = (headers[i] as string).toLowerCase();
    if (credentials.has(lower) || HOLDER_DROPPED.has(lower)) headers.splice(i, 2);
  }
  const auth = formatAdapter(call.provider.format).auth;
  headers.push(auth.header, (auth.prefix ?? "") + heldKey);
  headers.push("accept-encoding", "identity");
  if (source === "query") call.query = call.query.split("&").filter((p) => !p.startsWith("key=")).join("&");
}

export interface VirtualKeyHookOptions {
  /** TOLLGATE_REQUIRE_VIRTUAL_KEY: every proxied call must carry a virtual key (401 otherwise) */
  requireKey?: boolean;
  now?: () => number;
}

/**
 * The virtual-key hook: a `tg_` key pins the call's app (x-tollgate-app cannot override it) and is swapped
 * for the provider key Tollgate holds, for the endpoints its scopes allow (403 otherwise, before anything
 * reaches the provider). Unknown, revoked, expired or other-provider keys get 401 in the provider's error
 * shape (recorded auth_failed). Requests without a virtual key pass through untouched, unless they name an
 * app that has virtual keys (403: such an app is claimed only through its keys) or every call must carry a
 * key. Error messages never repeat the key.
 */
export function virtualKeyHook(cache: KeyCache, options: VirtualKeyHookOptions = {}): BeforeForward {
  const now = options.now ?? Date.now;
  // Not async itself: a call without a virtual key (most of them) is forwarded without a promise.
  return (call, headers) => {
    const found = findVirtualKey(headers, call.query);
    if (!found) {
      if (options.requireKey) throw new TollgateError("auth_failed", "Tollgate requires a virtual key (tg_…) for every call (TOLLGATE_REQUIRE_VIRTUAL_KEY).");
      const app = call.attribution.app;
      if (app !== null && cache.hasApp(app)) {
        throw new TollgateError("auth_failed", `App "${app}" has virtual keys: its calls must use one of them, not the x-tollgate-app header.`, 403);
      }
      return;
    }
    return admit(call, headers, found);
  };

  async function admit(call: CallState, headers: string[], found: FoundKey): Promise<void> {
    let entry = null;
    if (VIRTUAL_KEY_PATTERN.test(found.key)) {
      try {
        entry = await cache.lookup(found.key);
      } catch {
        // Only a key this replica has not seen needs the database; refuse it rather than guess.
        throw new TollgateError("proxy_error", "Tollgate could not check this virtual key (database unreachable); try again shortly.", 503);
      }
    }
    if (!entry) throw new TollgateError("auth_failed", "Incorrect Tollgate virtual key provided.");
    if (entry.revoked) throw new TollgateError("auth_failed", "This Tollgate virtual key has been revoked.");
    if (entry.expiresAt !== null && entry.expiresAt <= now()) throw new TollgateError("auth_failed", "This Tollgate virtual key has expired.");
    if (entry.provider !== null && entry.provider !== call.provider.name) {
      throw new TollgateError("auth_failed", `This Tollgate virtual key is for provider "${entry.provider}", not "${call.provider.name}".`);
    }
    call.attribution.app = entry.app;
    call.keyId = entry.id;
    const request = call.request;
    const scope = request ? scopeOf(request.method, request.path, call.info) : null;
    if (scope === null || !entry.endpoints.includes(scope)) {
      const what = request ? `${request.method} ${request.path}` : "this request";
      const why = scope === null ? "is not an endpoint a virtual key can reach" : `needs the "${scope}" scope, which this key was not created with`;
      throw new TollgateError("auth_failed", `Tollgate virtual key refused: ${what} ${why} (scopes: ${entry.endpoints.join(", ")}).`, 403);
    }
    if (scope === "inference") requireParsedBody(call);
    const held = call.provider.apiKey;
    if (!held) {
      const variable = call.provider.apiKeyEnv ?? "the provider's apiKeyEnv in TOLLGATE_CONFIG";
      throw new TollgateError("proxy_error", `Tollgate holds no key for provider "${call.provider.name}": set ${variable} to use virtual keys with it.`);
    }
    substituteProviderKey(headers, call, found.source, held);
    call.heldKey = held;
    cache.markUsed(entry.id);
  }
}
