import { createHash } from "node:crypto";
import { arrayLiteral } from "../db/array-literal.ts";
import { add, formatDecimal, ZERO, type Decimal } from "../lib/decimal.ts";
import type { CallRecord } from "../domain/call-record.ts";
import { storedCost, type RollupSource } from "./rollup-deltas.ts";

/**
 * A batch's contribution to the three daily rollups that carry what call_rollups_* does not: per user
 * (call_user_rollups_daily), per request property (call_property_rollups_daily) and the reconciliation's
 * figures (call_reconcile_daily). Folded here, in the recorder's process, into one delta per key and sorted
 * by key (every writer upserts, and so locks, rows in the same order: two cannot deadlock); a rebuild
 * (rollup-rebuild.ts) folds the calls it reads back with the same code.
 */

const DAY_MS = 86_400_000;

/** What the daily rollups take from a call: a CallRecord, or a calls row read back (rollup-rebuild.ts). */
export type DailyRollupSource = RollupSource &
  Pick<CallRecord, "user" | "properties" | "responseModel" | "keyId" | "serviceTier" | "fees" | "audioInputTokens" | "audioOutputTokens">;

/** The spend figures the user and property rollups hold (what a spend report adds up). */
interface SpendSums {
  calls: number;
  unpricedCalls: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: Decimal;
  feesUsd: Decimal;
}

export interface UserDelta extends SpendSums {
  at: number;
  app: string;
  /** '' for calls without a user */
  user: string;
}

export interface PropertyDelta extends SpendSums {
  at: number;
  propertyKey: string;
  provider: string;
  app: string;
  model: string;
  outcome: string;
  name: string;
  value: string;
}

export interface ReconcileDelta {
  at: number;
  provider: string;
  /** the model as the provider answered it (response model, else requested, else '') */
  model: string;
  /** a virtual key made the call (Tollgate sent the provider key it holds) */
  held: boolean;
  calls: number;
  requests: number;
  unpricedCalls: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
  costUsd: Decimal;
  lastCall: number;
  webSearchRequests: number;
  audioInputTokens: number;
  audioOutputTokens: number;
  batchInputTokens: number;
  batchOutputTokens: number;
}

const emptySums = (): SpendSums => ({
  calls: 0,
  unpricedCalls: 0,
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  costUsd: ZERO,
  feesUsd: ZERO,
});

function addCall(s: SpendSums, r: DailyRollupSource, cost: Decimal | null, fees: Decimal | null): void {
  s.calls += 1;
  if (!r.priced && r.usageSource !== "none") s.unpricedCalls += 1;
  s.inputTokens += r.inputTokens;
  s.cachedInputTokens += r.cachedInputTokens;
  s.cacheWriteTokens += r.cacheWriteTokens;
  s.outputTokens += r.outputTokens;
  s.reasoningTokens += r.reasoningTokens;
  if (cost) s.costUsd = add(s.costUsd, cost);
  if (fees) s.feesUsd = add(s.feesUsd, fees);
}

function emptyReconcile(at: number, provider: string, model: string, held: boolean, lastCall: number): ReconcileDelta {
  return {
    at,
    provider,
    model,
    held,
    calls: 0,
    requests: 0,
    unpricedCalls: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 0,
    costUsd: ZERO,
    lastCall,
    webSearchRequests: 0,
    audioInputTokens: 0,
    audioOutputTokens: 0,
    batchInputTokens: 0,
    batchOutputTokens: 0,
  };
}

/** The key of a property name and value: md5 of both, length-prefixed (so no two pairs share it). */
export function propertyKey(name: string, value: string): string {
  return createHash("md5").update(`${name.length}:${name}|${value}`).digest("hex");
}

/** The web_search fees' counts of a call (a fee whose count the provider did not report adds nothing). */
function webSearches(r: DailyRollupSource): number {
  let n = 0;
  for (const f of r.fees ?? []) if (f.kind === "web_search" && typeof f.count === "number") n += f.count;
  return n;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every delta of the three daily rollups, accumulated over one or more sets of calls. */
export class DailyRollupAccumulator {
  private readonly users = new Map<string, UserDelta>();
  private readonly properties = new Map<string, PropertyDelta>();
  private readonly reconcile = new Map<string, ReconcileDelta>();

  add(records: readonly DailyRollupSource[]): this {
    for (const r of records) {
      const t = r.startedAt.getTime();
      const at = Math.floor(t / DAY_MS) * DAY_MS;
      const cost = r.costUsd === null ? null : storedCost(r.costUsd);
      const fees = r.feesUsd ? storedCost(r.feesUsd) : null;
      const user = r.user ?? "";
      const userKey = `${at}\u0000${r.app}\u0000${user}`;
      let u = this.users.get(userKey);
      if (!u) this.users.set(userKey, (u = { at, app: r.app, user, ...emptySums() }));
      addCall(u, r, cost, fees);
      const model = r.model ?? "";
      if (r.properties) {
        for (const [name, value] of Object.entries(r.properties)) {
          const key = JSON.stringify([at, name, value, r.provider, r.app, model, r.outcome]);
          let p = this.properties.get(key);
          if (!p) {
            // propertyKey (an md5) is computed once per delta, in deltas()
            p = { at, propertyKey: "", provider: r.provider, app: r.app, model, outcome: r.outcome, name, value, ...emptySums() };
            this.properties.set(key, p);
          }
          addCall(p, r, cost, fees);
        }
      }
      const rmodel = r.responseModel ?? r.model ?? "";
      const held = r.keyId !== null;
      const recKey = `${at}\u0000${r.provider}\u0000${rmodel}\u0000${held ? 1 : 0}`;
      let c = this.reconcile.get(recKey);
      if (!c) this.reconcile.set(recKey, (c = emptyReconcile(at, r.provider, rmodel, held, t)));
      c.calls += 1;
      if (r.outcome === "ok") c.requests += 1;
      if (!r.priced && r.usageSource !== "none") c.unpricedCalls += 1;
      c.inputTokens += r.inputTokens;
      c.cachedInputTokens += r.cachedInputTokens;
      c.cacheWriteTokens += r.cacheWriteTokens;
      c.cacheWrite1hTokens += r.cacheWrite1hTokens;
      c.outputTokens += r.outputTokens;
      if (cost) c.costUsd = add(c.costUsd, cost);
      if (t > c.lastCall) c.lastCall = t;
      if (r.fees) c.webSearchRequests += webSearches(r);
      c.audioInputTokens += r.audioInputTokens ?? 0;
      c.audioOutputTokens += r.audioOutputTokens ?? 0;
      if (r.serviceTier === "batch") {
        c.batchInputTokens += r.inputTokens;
        c.batchOutputTokens += r.outputTokens;
      }
    }
    return this;
  }

  /** The deltas in key order (the order every writer upserts in). */
  deltas(): { users: UserDelta[]; properties: PropertyDelta[]; reconcile: ReconcileDelta[] } {
    const users = [...this.users.values()].sort((a, b) => a.at - b.at || cmp(a.app, b.app) || cmp(a.user, b.user));
    const properties = [...this.properties.values()];
    for (const p of properties) p.propertyKey = propertyKey(p.name, p.value);
    properties.sort(
      (a, b) =>
        a.at - b.at ||
        cmp(a.propertyKey, b.propertyKey) ||
        cmp(a.provider, b.provider) ||
        cmp(a.app, b.app) ||
        cmp(a.model, b.model) ||
        cmp(a.outcome, b.outcome),
    );
    const reconcile = [...this.reconcile.values()].sort(
      (a, b) => a.at - b.at || cmp(a.provider, b.provider) || cmp(a.model, b.model) || Number(a.held) - Number(b.held),
    );
    return { users, properties, reconcile };
  }
}

const SUM_COLUMNS = [
  "calls",
  "unpriced_calls",
  "input_tokens",
  "cached_input_tokens",
  "cache_write_tokens",
  "output_tokens",
  "reasoning_tokens",
  "cost_usd",
  "fees_usd",
] as const;

const sumParams = (rows: readonly SpendSums[]): string[] => [
  arrayLiteral(rows, (d) => d.calls),
  arrayLiteral(rows, (d) => d.unpricedCalls),
  arrayLiteral(rows, (d) => d.inputTokens),
  arrayLiteral(rows, (d) => d.cachedInputTokens),
  arrayLiteral(rows, (d) => d.cacheWriteTokens),
  arrayLiteral(rows, (d) => d.outputTokens),
  arrayLiteral(rows, (d) => d.reasoningTokens),
  arrayLiteral(rows, (d) => formatDecimal(d.costUsd)),
  arrayLiteral(rows, (d) => formatDecimal(d.feesUsd)),
];

const SUM_TYPES = ["int8", "int8", "int8", "int8", "int8", "int8", "int8", "numeric", "numeric"];

/**
 * An upsert of rows given as one array parameter per column, in the given order (WITH ORDINALITY … ORDER
 * BY: the lock order), adding `added` columns to an existing row and keeping the later of `latest` ones.
 */
function upsertSql(
  table: string,
  columns: ReadonlyArray<readonly [string, string]>,
  key: readonly string[],
  added: readonly string[],
  latest: readonly string[] = [],
): string {
  const names = columns.map(([c]) => c);
  const quoted = (c: string) => `"${c}"`;
  const args = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ");
  const set = [
    ...added.map((c) => `${quoted(c)} = ${table}.${quoted(c)} + EXCLUDED.${quoted(c)}`),
    ...latest.map((c) => `${quoted(c)} = greatest(${table}.${quoted(c)}, EXCLUDED.${quoted(c)})`),
  ];
  return `INSERT INTO ${table} (${names.map(quoted).join(", ")})
    SELECT ${names.map((_, i) => `c${i}`).join(", ")} FROM unnest(${args}) WITH ORDINALITY AS d(${names.map((_, i) => `c${i}`).join(", ")}, i) ORDER BY i
  ON CONFLICT (${key.map(quoted).join(", ")}) DO UPDATE SET ${set.join(", ")}`;
}

const SUMS = SUM_COLUMNS.map((c, i) => [c, SUM_TYPES[i] as string] as const);

export const UPSERT_USERS_DAILY = upsertSql(
  "call_user_rollups_daily",
  [["day", "timestamptz"], ["app", "text"], ["user", "text"], ...SUMS],
  ["day", "app", "user"],
  SUM_COLUMNS,
);

export const UPSERT_PROPERTIES_DAILY = upsertSql(
  "call_property_rollups_daily",
  [
    ["day", "timestamptz"],
    ["property_key", "text"],
    ["provider", "text"],
    ["app", "text"],
    ["model", "text"],
    ["outcome", "text"],
    ["name", "text"],
    ["value", "text"],
    ...SUMS,
  ],
  ["day", "property_key", "provider", "app", "model", "outcome"],
  SUM_COLUMNS,
);

const RECONCILE_SUMS = [
  "calls",
  "requests",
  "unpriced_calls",
  "input_tokens",
  "cached_input_tokens",
  "cache_write_tokens",
  "cache_write_1h_tokens",
  "output_tokens",
  "cost_usd",
  "web_search_requests",
  "audio_input_tokens",
  "audio_output_tokens",
  "batch_input_tokens",
  "batch_output_tokens",
] as const;

export const UPSERT_RECONCILE_DAILY = upsertSql(
  "call_reconcile_daily",
  [
    ["day", "timestamptz"],
    ["provider", "text"],
    ["model", "text"],
    ["held", "bool"],
    ...RECONCILE_SUMS.map((c) => [c, c === "cost_usd" ? "numeric" : "int8"] as const),
    ["last_call", "timestamptz"],
  ],
  ["day", "provider", "model", "held"],
  RECONCILE_SUMS,
  ["last_call"],
);

/** The day of each row as its ISO text, formatted once per day (a batch's rows share one or two days). */
function days(): (d: { at: number }) => string {
  const iso = new Map<number, string>();
  return (d) => {
    let s = iso.get(d.at);
    if (s === undefined) iso.set(d.at, (s = new Date(d.at).toISOString()));
    return s;
  };
}

export function userParams(rows: readonly UserDelta[]): string[] {
  return [arrayLiteral(rows, days()), arrayLiteral(rows, (d) => d.app), arrayLiteral(rows, (d) => d.user), ...sumParams(rows)];
}

export function propertyParams(rows: readonly PropertyDelta[]): string[] {
  return [
    arrayLiteral(rows, days()),
    arrayLiteral(rows, (d) => d.propertyKey),
    arrayLiteral(rows, (d) => d.provider),
    arrayLiteral(rows, (d) => d.app),
    arrayLiteral(rows, (d) => d.model),
    arrayLiteral(rows, (d) => d.outcome),
    arrayLiteral(rows, (d) => d.name),
    arrayLiteral(rows, (d) => d.value),
    ...sumParams(rows),
  ];
}

export function reconcileParams(rows: readonly ReconcileDelta[]): string[] {
  return [
    arrayLiteral(rows, days()),
    arrayLiteral(rows, (d) => d.provider),
    arrayLiteral(rows, (d) => d.model),
    arrayLiteral(rows, (d) => d.held),
    ...RECONCILE_SUMS.map((c) =>
      arrayLiteral(rows, (d) => {
        switch (c) {
          case "calls":
            return d.calls;
          case "requests":
            return d.requests;
          case "unpriced_calls":
            return d.unpricedCalls;
          case "input_tokens":
            return d.inputTokens;
          case "cached_input_tokens":
            return d.cachedInputTokens;
          case "cache_write_tokens":
            return d.cacheWriteTokens;
          case "cache_write_1h_tokens":
            return d.cacheWrite1hTokens;
          case "output_tokens":
            return d.outputTokens;
          case "cost_usd":
            return formatDecimal(d.costUsd);
          case "web_search_requests":
            return d.webSearchRequests;
          case "audio_input_tokens":
            return d.audioInputTokens;
          case "audio_output_tokens":
            return d.audioOutputTokens;
          case "batch_input_tokens":
            return d.batchInputTokens;
          case "batch_output_tokens":
            return d.batchOutputTokens;
        }
      }),
    ),
    arrayLiteral(rows, (d) => new Date(d.lastCall)),
  ];
}

/** Upserts the deltas (users, properties, reconciliation: the order every writer takes). */
export async function upsertDailyRollups(
  query: (sql: string, params: string[]) => Promise<unknown>,
  acc: DailyRollupAccumulator,
): Promise<void> {
  const { users, properties, reconcile } = acc.deltas();
  if (users.length > 0) await query(UPSERT_USERS_DAILY, userParams(users));
  if (properties.length > 0) await query(UPSERT_PROPERTIES_DAILY, propertyParams(properties));
  if (reconcile.length > 0) await query(UPSERT_RECONCILE_DAILY, reconcileParams(reconcile));
}
