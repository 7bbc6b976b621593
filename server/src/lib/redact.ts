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
