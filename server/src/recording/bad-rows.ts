import type { CallRecord } from "../domain/call-record.ts";
import { sanitiseRecord } from "./sanitise.ts";
import { boundUsage } from "../domain/usage-bounds.ts";

/**
 * Errors about the data rather than the database: SQLSTATE class 22 (data exception: a NUL, a number out of
 * range), 23 (integrity constraint violation) and 54 (program limit exceeded: an index entry too large).
 * Connectivity, timeouts and shutdowns have other codes or none, and keep going to the spool.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23") || code.startsWith("54"));
}

/** Inserts records in one transaction, returning how many went in; all or nothing. */
export type InsertBatch = (records: readonly CallRecord[]) => Promise<number>;

/**
 * Inserts a batch; when Postgres refuses it for its data, splits it in halves until the refused rows are
 * alone (about 2·log2(n) extra inserts per bad row, instead of the whole batch going to the spool to replay
 * row by row), and records each of them repaired. The inserts are idempotent by call id and each
 * transaction is all or nothing, so every call is recorded exactly once. A row that cannot be recorded
 * even stripped down rethrows: the caller spools it.
 */
export async function insertIsolatingBadRows(records: readonly CallRecord[], insert: InsertBatch): Promise<number> {
  try {
    return await insert(records);
  } catch (err) {
    if (!isDataError(err)) throw err;
    if (records.length === 1) return insertRepaired(records[0]!, insert, err);
    const half = records.length >>> 1;
    const first = await insertIsolatingBadRows(records.slice(0, half), insert);
    return first + (await insertIsolatingBadRows(records.slice(half), insert));
  }
}

async function insertRepaired(record: CallRecord, insert: InsertBatch, original: unknown): Promise<number> {
  const repaired = repairRecord(record);
  try {
    return await insert([repaired]);
  } catch (err) {
    if (!isDataError(err)) throw err;
  }
  // Last resort: the call without any free text, so that it still counts in every report.
  const bare: CallRecord = {
    ...repaired,
    user: null,
    properties: null,
    errorMessage: null,
    errorBody: null,
    requestBody: null,
    responseBody: null,
    upstreamRequestId: null,
    costUsd: null,
    priceId: null,
    priced: false,
  };
  try {
    return await insert([bare]);
  } catch (err) {
    throw isDataError(err) ? original : err;
  }
}

/** A copy of a refused record made storable: text sanitised, counts clamped, an unusable cost dropped. */
export function repairRecord(record: CallRecord): CallRecord {
  const r = sanitiseRecord({ ...record });
  const { usage, clamped, overBound } = boundUsage(r);
  if (clamped) {
    Object.assign(r, {
      inputTokens: usage.inputTokens,
      cachedInputTokens: usage.cachedInputTokens,
      cacheWriteTokens: usage.cacheWriteTokens,
      cacheWrite1hTokens: usage.cacheWrite1hTokens,
      outputTokens: usage.outputTokens,
      reasoningTokens: usage.reasoningTokens,
      usageClamped: true,
    });
  }
  const cost = r.costUsd === null ? null : Number(r.costUsd);
  if (overBound || (cost !== null && !(cost >= 0 && cost < 1e12))) Object.assign(r, { costUsd: null, priceId: null, priced: false });
  if (!Number.isInteger(r.status) || r.status < 0 || r.status > 999) r.status = 0;
  return r;
}
