import type { CallRecord } from "../domain/call-record.ts";

/**
 * A batch's contribution to call_errors_hourly / call_errors_daily: its failed calls (any outcome but ok)
 * counted per hour (or day), provider, app, model, outcome, error type and message, with the latest
 * startedAt — what the failures report's top errors need, so it stops reading every failed call.
 */
export interface ErrorDelta {
  at: number;
  provider: string;
  app: string;
  model: string;
  outcome: string;
  errorType: string | null;
  errorMessage: string | null;
  calls: number;
  lastSeen: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

// null sorts before every string; used for keys and for the upsert order.
const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : a > b ? 1 : 0);

function fold(deltas: ReadonlyArray<Omit<ErrorDelta, "at"> & { at: number }>, unitMs: number): ErrorDelta[] {
  const byKey = new Map<string, ErrorDelta>();
  for (const d of deltas) {
    const at = Math.floor(d.at / unitMs) * unitMs;
    // JSON keeps null apart from the string "null" and cannot be confused by separators inside the values.
    const key = JSON.stringify([at, d.provider, d.app, d.model, d.outcome, d.errorType, d.errorMessage]);
    const into = byKey.get(key);
    if (into) {
      into.calls += d.calls;
      into.lastSeen = Math.max(into.lastSeen, d.lastSeen);
    } else byKey.set(key, { ...d, at });
  }
  // Key order: every writer upserts (and so locks) these rows in the same order, so two cannot deadlock.
  return [...byKey.values()].sort(
    (a, b) =>
      a.at - b.at ||
      cmp(a.provider, b.provider) ||
      cmp(a.app, b.app) ||
      cmp(a.model, b.model) ||
      cmp(a.outcome, b.outcome) ||
      cmp(a.errorType, b.errorType) ||
      cmp(a.errorMessage, b.errorMessage),
  );
}

/** The error rollup deltas of a set of calls (the calls a batch insert actually inserted). */
export function errorDeltas(records: readonly CallRecord[]): { hourly: ErrorDelta[]; daily: ErrorDelta[] } {
  const failed: ErrorDelta[] = [];
  for (const r of records) {
    if (r.outcome === "ok") continue;
    const t = r.startedAt.getTime();
    failed.push({
      at: t,
      provider: r.provider,
      app: r.app,
      model: r.model ?? "",
      outcome: r.outcome,
      errorType: r.errorType,
      errorMessage: r.errorMessage,
      calls: 1,
      lastSeen: t,
    });
  }
  const hourly = fold(failed, HOUR_MS);
  return { hourly, daily: fold(hourly, DAY_MS) };
}

function upsertSql(table: string, time: string): string {
  return `INSERT INTO ${table} (${time}, provider, app, model, outcome, error_key, error_type, error_message, calls, last_seen)
    SELECT t, provider, app, model, outcome, tollgate_error_key(error_type, error_message), error_type, error_message, calls, last_seen
      FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int8[], $9::timestamptz[])
           WITH ORDINALITY AS d(t, provider, app, model, outcome, error_type, error_message, calls, last_seen, i)
     ORDER BY i
  ON CONFLICT (${time}, provider, app, model, outcome, error_key) DO UPDATE SET calls = ${table}.calls + EXCLUDED.calls,
    last_seen = greatest(${table}.last_seen, EXCLUDED.last_seen)`;
}

export const UPSERT_ERRORS_HOURLY = upsertSql("call_errors_hourly", "hour");
export const UPSERT_ERRORS_DAILY = upsertSql("call_errors_daily", "day");

/** The parameters of UPSERT_ERRORS_* for a list of deltas. */
export function errorDeltaParams(deltas: readonly ErrorDelta[]): unknown[][] {
  return [
    deltas.map((d) => new Date(d.at)),
    deltas.map((d) => d.provider),
    deltas.map((d) => d.app),
    deltas.map((d) => d.model),
    deltas.map((d) => d.outcome),
    deltas.map((d) => d.errorType),
    deltas.map((d) => d.errorMessage),
    deltas.map((d) => d.calls),
    deltas.map((d) => new Date(d.lastSeen)),
  ];
}
