import type { Config } from "../config.ts";
import type { CallRecord } from "../domain/call-record.ts";

/**
 * Known secret shapes: OpenAI/Anthropic/Mistral-style `sk-…` keys, Tollgate virtual keys `tg_…`, Google API
 * keys `AIza…`, and whatever follows "Bearer". Deliberately broad: a false positive costs a few characters
 * of a stored body; a miss leaks a credential.
 */
const SECRET_PATTERN = /\b(?:sk-[A-Za-z0-9_-]{8,}|tg_[A-Za-z0-9_-]{8,}|AIza[0-9A-Za-z_-]{20,})|\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/g;

export const REDACTED = "[redacted]";

/**
 * The text with the exact secrets given (the keys and tokens Tollgate holds, whatever their shape) and every
 * known secret pattern replaced by [redacted] ("Bearer [redacted]" keeps the scheme).
 */
export function redactSecrets(text: string, exact: readonly string[] = []): string {
  let out = text;
  for (const secret of exact) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out.replace(SECRET_PATTERN, (_match, bearer: string | undefined) => (bearer ? `${bearer} ${REDACTED}` : REDACTED));
}

/** The secrets the configuration holds: provider keys, provider admin keys, the admin and metrics tokens, the key pepper. */
export function configuredSecrets(config: Config): string[] {
  const all = [
    config.adminToken,
    config.metricsToken,
    config.access.keyPepper,
    ...[...config.providers.values()].map((p) => p.apiKey),
    ...[...config.providers.values()].map((p) => p.serviceAccount?.privateKey),
    ...config.reconcile.sources.map((s) => s.adminKey),
  ];
  // Very short values would redact ordinary words; real keys and tokens are far longer.
  return [...new Set(all.filter((s): s is string => typeof s === "string" && s.length >= 8))];
}

/**
 * Redacts the free-text fields of a record before it is stored or logged: bodies (TOLLGATE_LOG_BODIES) and
 * the provider's error text, which may echo a key ("Incorrect API key provided: …"). Costs nothing for the
 * common call, where all of them are null.
 */
export function recordRedactor(secrets: readonly string[]): (record: CallRecord) => void {
  return (record) => {
    if (record.requestBody !== null) record.requestBody = redactSecrets(record.requestBody, secrets);
    if (record.responseBody !== null) record.responseBody = redactSecrets(record.responseBody, secrets);
    if (record.errorBody !== null) record.errorBody = redactSecrets(record.errorBody, secrets);
    if (record.errorMessage !== null) record.errorMessage = redactSecrets(record.errorMessage, secrets);
  };
}
