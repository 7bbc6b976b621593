import type { ProviderConfig } from "../providers/provider-config.ts";
import { TollgateError } from "../lib/errors.ts";
import type { CallState } from "../proxy/call-state.ts";
import type { BeforeForward } from "../proxy/proxy-deps.ts";
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

const SIGV4 = "AWS4-HMAC-SHA256 ";

/** The access key id of an AWS SigV4 `Authorization` value (`… Credential=AKID/date/region/service/aws4_request, …`). */
export function sigV4AccessKeyId(value: string): string | null {
  if (!value.startsWith(SIGV4)) return null;
  const at = value.indexOf("Credential=");
  if (at === -1) return null;
  const start = at + "Credential=".length;
  const end = value.indexOf("/", start);
  return end === -1 ? null : value.slice(start, end);
}

/**
 * Finds a `tg_` virtual key wherever an SDK puts it (any registered format's key header, or ?key=); null when
 * the request carries none (pass-through). AWS SDKs send it as a bearer token (Bedrock API keys) or as the
 * access key id of a SigV4 signature.
 */
export function findVirtualKey(headers: readonly string[], query: string): FoundKey | null {
  const credentials = credentialHeaders();
  for (let i = 0; i < headers.length; i += 2) {
    const lower = (headers[i] as string).toLowerCase();
    if (!credentials.has(lower)) continue;
    let value = (headers[i + 1] as string).trim();
    // `Authorization: tg_…` without a scheme is recognised too (never forwarded verbatim).
    if (lower === "authorization" && value.length >= 7 && value.slice(0, 7).toLowerCase() === "bearer ") value = value.slice(7).trim();
    else if (lower === "authorization") value = sigV4AccessKeyId(value) ?? value;
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
export function substituteProviderKey(
  headers: string[],
  call: { provider: ProviderConfig; query: string },
  source: string,
  heldKey: string,
  bearer = false,
): void {
  const credentials = credentialHeaders();
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    const lower = (headers[i] as string).toLowerCase();
    if (credentials.has(lower) || HOLDER_DROPPED.has(lower)) headers.splice(i, 2);
  }
  if (bearer) {
    // an OAuth access token (Vertex with a service account): always Authorization: Bearer
    headers.push("authorization", `Bearer ${heldKey}`);
  } else {
    const auth = formatAdapter(call.provider.format).auth;
    headers.push(auth.header, (auth.prefix ?? "") + heldKey);
  }
  headers.push("accept-encoding", "identity");
  if (source === "query")
    call.query = call.query
      .split("&")
      .filter((p) => !p.startsWith("key="))
      .join("&");
}

export interface VirtualKeyHookOptions {
  /** TOLLGATE_REQUIRE_VIRTUAL_KEY: every proxied call must carry a virtual key (401 otherwise) */
  requireKey?: boolean;
  /**
   * an OAuth access token for the provider instead of its held key (Vertex with a service account), or
   * undefined when the provider has none; rejects with a TollgateError when no token can be had
   */
  providerToken?(provider: ProviderConfig): Promise<string> | undefined;
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
      if (call.adapter.signRequest && signedForTollgate(headers)) {
        throw new TollgateError(
          "auth_failed",
          `A SigV4 signature made for Tollgate's address cannot be forwarded to ${call.provider.name}, and Tollgate cannot re-sign it with your credentials: use a Tollgate virtual key (tg_…) as the access key id or bearer token, or a Bedrock API key as the bearer token.`,
          403,
        );
      }
      if (options.requireKey)
        throw new TollgateError("auth_failed", "Tollgate requires a virtual key (tg_…) for every call (TOLLGATE_REQUIRE_VIRTUAL_KEY).");
      const app = call.attribution.app;
      if (app !== null && cache.hasApp(app)) {
        throw new TollgateError(
          "auth_failed",
          `App "${app}" has virtual keys: its calls must use one of them, not the x-tollgate-app header.`,
          403,
        );
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
    if (entry.expiresAt !== null && entry.expiresAt <= now())
      throw new TollgateError("auth_failed", "This Tollgate virtual key has expired.");
    if (entry.provider !== null && entry.provider !== call.provider.name) {
      throw new TollgateError("auth_failed", `This Tollgate virtual key is for provider "${entry.provider}", not "${call.provider.name}".`);
    }
    call.attribution.app = entry.app;
    call.keyId = entry.id;
    const request = call.request;
    const scope = request ? scopeOf(request.method, request.path, call.info) : null;
    if (scope === null || !entry.endpoints.includes(scope)) {
      const what = request ? `${request.method} ${request.path}` : "this request";
      const why =
        scope === null ? "is not an endpoint a virtual key can reach" : `needs the "${scope}" scope, which this key was not created with`;
      throw new TollgateError("auth_failed", `Tollgate virtual key refused: ${what} ${why} (scopes: ${entry.endpoints.join(", ")}).`, 403);
    }
    if (scope === "inference") requireParsedBody(call);
    if (call.adapter.signRequest) return signWithHeld(call, headers, found, entry.id);
    const minting = options.providerToken?.(call.provider);
    if (minting) {
      const token = await minting;
      substituteProviderKey(headers, call, found.source, token, true);
      call.heldKey = token;
      cache.markUsed(entry.id);
      return;
    }
    const held = call.provider.apiKey;
    if (!held) {
      const variable = call.provider.apiKeyEnv ?? "the provider's apiKeyEnv in TOLLGATE_CONFIG";
      throw new TollgateError(
        "proxy_error",
        `Tollgate holds no key for provider "${call.provider.name}": set ${variable} to use virtual keys with it.`,
      );
    }
    substituteProviderKey(headers, call, found.source, held);
    call.heldKey = held;
    cache.markUsed(entry.id);
  }

  /** A signing format (Bedrock): the client's credentials go, the call is signed with the held ones as it leaves. */
  function signWithHeld(call: CallState, headers: string[], found: FoundKey, keyId: string): void {
    const secret = call.provider.aws?.credentials?.secretAccessKey;
    if (!secret || !call.adapter.canSign?.(call.provider)) {
      const variable = call.provider.apiKeyEnv ?? "the provider's AWS credentials";
      throw new TollgateError(
        "proxy_error",
        `Tollgate holds no AWS credentials for provider "${call.provider.name}": set ${variable} to use virtual keys with it.`,
      );
    }
    for (let i = headers.length - 2; i >= 0; i -= 2) {
      const lower = (headers[i] as string).toLowerCase();
      if (credentialHeaders().has(lower) || HOLDER_DROPPED.has(lower) || AWS_SIGNATURE_HEADERS.has(lower)) headers.splice(i, 2);
    }
    headers.push("accept-encoding", "identity");
    if (found.source === "query")
      call.query = call.query
        .split("&")
        .filter((p) => !p.startsWith("key="))
        .join("&");
    call.signUpstream = true;
    call.heldKey = secret;
    cache.markUsed(keyId);
  }
}

/** The headers a client's own AWS signature travels in, dropped when Tollgate signs. */
const AWS_SIGNATURE_HEADERS = new Set(["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]);

/** Whether the request carries a SigV4 signature (which names the host it was made for: Tollgate's). */
function signedForTollgate(headers: readonly string[]): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    if ((headers[i] as string).toLowerCase() === "authorization" && (headers[i + 1] as string).trim().startsWith(SIGV4)) return true;
  }
  return false;
}
