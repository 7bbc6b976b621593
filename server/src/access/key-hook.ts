import type { ProviderConfig } from "../config.ts";
import { TollgateError } from "../errors.ts";
import type { CallState } from "../proxy/call-state.ts";
import type { BeforeForward } from "../proxy/handler.ts";
import type { KeyCache } from "./key-cache.ts";
import { VIRTUAL_KEY_PATTERN } from "./key-secrets.ts";

/** Headers an SDK may carry its key in (OpenAI/Mistral Bearer, Anthropic, Gemini, Azure). */
const CREDENTIAL_HEADERS = new Set(["authorization", "x-api-key", "x-goog-api-key", "api-key"]);

export interface FoundKey {
  key: string;
  /** the lower-case header it came in, or "query" for ?key= */
  source: string;
}

/** Finds a `tg_` virtual key wherever an SDK puts it; null when the request carries none (pass-through). */
export function findVirtualKey(headers: readonly string[], query: string): FoundKey | null {
  for (let i = 0; i < headers.length; i += 2) {
    const lower = (headers[i] as string).toLowerCase();
    if (!CREDENTIAL_HEADERS.has(lower)) continue;
    let value = (headers[i + 1] as string).trim();
    if (lower === "authorization") {
      if (value.length < 7 || value.slice(0, 7).toLowerCase() !== "bearer ") continue;
      value = value.slice(7).trim();
    }
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

/** The header a provider's wire format expects its key in. */
function providerHeader(provider: ProviderConfig, source: string): string {
  if (source === "api-key") return "api-key"; // Azure's own scheme
  if (provider.format === "anthropic") return "x-api-key";
  if (provider.format === "gemini") return "x-goog-api-key";
  return "authorization";
}

/** Replaces the client's credentials with the provider key Tollgate holds (in place, raw header list). */
export function substituteProviderKey(headers: string[], call: { provider: ProviderConfig; query: string }, source: string, heldKey: string): void {
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (CREDENTIAL_HEADERS.has((headers[i] as string).toLowerCase())) headers.splice(i, 2);
  }
  const header = providerHeader(call.provider, source);
  headers.push(header, header === "authorization" ? `Bearer ${heldKey}` : heldKey);
  if (source === "query") call.query = call.query.split("&").filter((p) => !p.startsWith("key=")).join("&");
}

/**
 * The virtual-key hook: a `tg_` key pins the call's app (x-tollgate-app cannot override it) and is swapped
 * for the provider key Tollgate holds. Unknown, revoked, expired or other-provider keys get 401 in the
 * provider's error shape (recorded auth_failed). Requests without a virtual key pass through untouched.
 * Error messages never repeat the key.
 */
export function virtualKeyHook(cache: KeyCache, now: () => number = Date.now): BeforeForward {
  // Not async itself: a call without a virtual key (most of them) is forwarded without a promise.
  return (call, headers) => {
    const found = findVirtualKey(headers, call.query);
    if (!found) return;
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
    const held = call.provider.apiKey;
    if (!held) {
      const variable = call.provider.apiKeyEnv ?? "the provider's apiKeyEnv in TOLLGATE_CONFIG";
      throw new TollgateError("proxy_error", `Tollgate holds no key for provider "${call.provider.name}": set ${variable} to use virtual keys with it.`);
    }
    substituteProviderKey(headers, call, found.source, held);
    cache.markUsed(entry.id);
  }
}
