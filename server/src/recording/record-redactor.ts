import type { CallRecord } from "../domain/call-record.ts";
import { redactSecrets } from "../lib/redact.ts";

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
