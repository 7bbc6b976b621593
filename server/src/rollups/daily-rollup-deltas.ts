import { createHash } from "node:crypto";
import { add, ZERO, type Decimal } from "../lib/decimal.ts";
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
