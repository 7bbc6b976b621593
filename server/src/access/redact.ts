import type { CallRecord } from "../metering/call-record.ts";

/**
 * Known secret shapes: OpenAI/Anthropic/Mistral-style `sk-…` keys, Tollgate virtual keys `tg_…`, Google API
 * keys `AIza…`, and whatever follows "Bearer". Deliberately broad: a false positive costs a few characters
 * of a stored body; a miss leaks a credential.
 */
const SECRET_PATTERN = /\b(?:sk-[A-Za-z0-9_-]{8,}|tg_[A-Za-z0-9_-]{8,}|AIza[0-9A-Za-z_-]{20,})|\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/g;

export const REDACTED = "[redacted]";

/** The text with every known secret pattern replaced by [redacted] ("Bearer [redacted]" keeps the scheme). */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, (_match, bearer: string | undefined) => (bearer ? `${bearer} ${REDACTED}` : REDACTED));
}

/**
 * Redacts the free-text fields of a record before it is stored: bodies (TOLLGATE_LOG_BODIES) and the
 * provider's error text, which may echo a key ("Incorrect API key provided: sk-…"). Costs nothing for the
 * common call, where all of them are null.
 */
export function redactRecord(record: CallRecord): void {
  if (record.requestBody !== null) record.requestBody = redactSecrets(record.requestBody);
  if (record.responseBody !== null) record.responseBody = redactSecrets(record.responseBody);
  if (record.errorBody !== null) record.errorBody = redactSecrets(record.errorBody);
  if (record.errorMessage !== null) record.errorMessage = redactSecrets(record.errorMessage);
}
