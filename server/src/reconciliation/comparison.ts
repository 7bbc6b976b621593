import { formatDecimal, normalize, subtract, type Decimal } from "../lib/decimal.ts";
import type { Figures, Freshness, ProviderGroup, TollgateGroup } from "../reports/reconciliation-sql.ts";
import { classify, dec, measure, PROVIDER_SETTLE_MS, ZERO_FIGURES, type Measure, type Reason } from "./reasons.ts";
import { DAY_MS } from "./report-rows.ts";
import type { LineItems } from "./line-items.ts";

export type { Measure, Reason } from "./reasons.ts";

export interface ReconciliationRow {
  /** YYYY-MM-DD (UTC) */
  day: string;
  provider: string;
  /** groupBy=model: the model; groupBy=key: the provider's API key id ('pass-through' for calls with the client's own key) */
  model?: string;
  apiKeyId?: string;
  /** groupBy=key: whether Tollgate holds this key (its virtual-key calls went out with it) */
  held?: boolean;
  /** groupBy=key: the key's OpenAI project or Anthropic workspace, as the provider reports it */
  project?: string;
  requests: Measure;
  inputTokens: Measure;
  cachedInputTokens: Measure;
  cacheWriteTokens: Measure;
  cacheWrite1hTokens: Measure;
  outputTokens: Measure;
  costUsd: Measure;
  /** the provider's web-search tool requests (Anthropic); Tollgate's count is in lineItems */
  webSearchRequests: string;
  /**
   * groupBy=day|model: the report's other line items on both sides — web search requests, audio input/output
   * tokens, batch input/output tokens
   */
  lineItems?: LineItems;
  /** Tollgate's calls with usage that matched no price */
  unpricedCalls: string;
  reason: Reason;
  /** when the provider's report for this day was last fetched; null: never */
  fetchedAt: string | null;
  /** fetched at least PROVIDER_SETTLE_MS after the day ended */
  complete: boolean;
}

export const dayText = (d: Date) => d.toISOString().slice(0, 10);

export function isComplete(day: Date, fetch: Freshness | undefined): boolean {
  return fetch !== undefined && fetch.fetchedAt.getTime() >= day.getTime() + DAY_MS + PROVIDER_SETTLE_MS;
}

function sumFigures(rows: readonly Figures[]): Figures {
  const add = (k: keyof Figures, nullable: boolean): string | null => {
    const values = rows.map((r) => r[k]);
    if (nullable && values.every((v) => v === null)) return null;
    return formatDecimal(normalize(values.reduce<Decimal>((acc, v) => (v === null ? acc : addDec(acc, dec(v))), { units: 0n, scale: 0 })));
  };
  return {
    requests: add("requests", true),
    inputTokens: add("inputTokens", false)!,
    cachedInputTokens: add("cachedInputTokens", false)!,
    cacheWriteTokens: add("cacheWriteTokens", false)!,
    cacheWrite1hTokens: add("cacheWrite1hTokens", false)!,
    outputTokens: add("outputTokens", false)!,
    costUsd: add("costUsd", true),
  };
}

function addDec(a: Decimal, b: Decimal): Decimal {
  return subtract(a, { units: -b.units, scale: b.scale });
}

export interface Side {
  tollgate: TollgateGroup[];
  provider: ProviderGroup[];
  fetches: Freshness[];
}

function buildRow(
  day: Date,
  provider: string,
  t: TollgateGroup[],
  p: ProviderGroup[],
  fetches: Map<string, Freshness>,
): Omit<ReconciliationRow, "reason"> & { reason: Reason } {
  const tf = t.length > 0 ? sumFigures(t) : null;
  const pf = p.length > 0 ? sumFigures(p) : null;
  const fetch = fetches.get(`${provider}|${day.toISOString()}`);
  const webSearchRequests = formatDecimal(
    normalize(p.reduce<Decimal>((a, r) => addDec(a, dec(r.webSearchRequests)), { units: 0n, scale: 0 })),
  );
  const unpricedCalls = formatDecimal(normalize(t.reduce<Decimal>((a, r) => addDec(a, dec(r.unpricedCalls)), { units: 0n, scale: 0 })));
  const lastCall = t.length > 0 ? new Date(Math.max(...t.map((r) => r.lastCall.getTime()))) : null;
  // Without a fetch, the provider's figures are unknown rather than zero.
  const providerSide = pf ?? (fetch ? ZERO_FIGURES : null);
  const tollgateSide = tf ?? ZERO_FIGURES;
  const m = (k: keyof Figures) => measure(tollgateSide[k], providerSide ? providerSide[k] : null);
  return {
    day: dayText(day),
    provider,
    requests: m("requests"),
    inputTokens: m("inputTokens"),
    cachedInputTokens: m("cachedInputTokens"),
    cacheWriteTokens: m("cacheWriteTokens"),
    cacheWrite1hTokens: m("cacheWrite1hTokens"),
    outputTokens: m("outputTokens"),
    costUsd: m("costUsd"),
    webSearchRequests,
    unpricedCalls,
    reason: classify({ tollgate: tf, provider: providerSide, fetch, lastCall, webSearchRequests, unpricedCalls }),
    fetchedAt: fetch ? fetch.fetchedAt.toISOString() : null,
    complete: isComplete(day, fetch),
  };
}

function fetchIndex(fetches: Freshness[]): Map<string, Freshness> {
  return new Map(fetches.map((f) => [`${f.provider}|${f.day.toISOString()}`, f]));
}

function groupKeys<T extends { day: Date; provider: string; key: string }>(rows: T[], byKey: boolean): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = `${r.day.toISOString()}|${r.provider}${byKey ? `|${r.key}` : ""}`;
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

const byDayProviderKey = (a: ReconciliationRow, b: ReconciliationRow) =>
  a.day.localeCompare(b.day) ||
  a.provider.localeCompare(b.provider) ||
  (a.model ?? a.apiKeyId ?? "").localeCompare(b.model ?? b.apiKeyId ?? "");

/** A group with nothing on either side (e.g. only calls that failed before any token): not worth a row. */
function isEmpty(row: ReconciliationRow): boolean {
  const zero = (v: string | null) => v === null || v === "0";
  return MEASURES.every((k) => zero(row[k].tollgate) && zero(row[k].provider)) && row.webSearchRequests === "0";
}

/** Rows per day × provider × model (byModel) or per day × provider; groups with nothing on either side are left out. */
export function compareByModel(side: Side, byModel: boolean): ReconciliationRow[] {
  const fetches = fetchIndex(side.fetches);
  const t = groupKeys(side.tollgate, byModel);
  const p = groupKeys(side.provider, byModel);
  const rows: ReconciliationRow[] = [];
  for (const k of new Set([...t.keys(), ...p.keys()])) {
    const first = (t.get(k) ?? p.get(k))![0]!;
    const row = buildRow(first.day, first.provider, t.get(k) ?? [], p.get(k) ?? [], fetches);
    if (!isEmpty(row)) rows.push(byModel ? { ...row, model: first.key } : row);
  }
  return rows.sort(byDayProviderKey);
}

/**
 * Rows per day × provider × API key. Tollgate knows one key per provider: the one it holds, used for every
 * virtual-key call, whose provider id is configured (TOLLGATE_RECONCILE_<P>_HELD_KEY_ID). Other keys in the
 * provider's report are traffic Tollgate did not send with its key; Tollgate's pass-through calls carried
 * the client's own key, which Tollgate cannot name.
 */
export function compareByKey(side: Side, heldKeyIds: Record<string, string | undefined>): ReconciliationRow[] {
  const fetches = fetchIndex(side.fetches);
  const t = groupKeys(side.tollgate, true);
  const rows: ReconciliationRow[] = [];
  const usedHeld = new Set<string>();
  for (const [, group] of groupKeys(side.provider, true)) {
    const first = group[0]!;
    const heldId = heldKeyIds[first.provider];
    const held = heldId !== undefined && first.key === heldId;
    const heldKey = `${first.day.toISOString()}|${first.provider}|`;
    const tollgate = held ? (t.get(heldKey) ?? []) : [];
    if (held) usedHeld.add(heldKey);
    const row = buildRow(first.day, first.provider, tollgate, group, fetches);
    const reason: Reason = held ? row.reason : heldId === undefined ? "key_unmapped" : "key_not_held";
    rows.push({
      ...row,
      apiKeyId: first.key,
      project: group.find((g) => g.project)?.project ?? "",
      held,
      reason,
      ...(held ? {} : nullTollgate(row)),
    });
  }
  for (const [k, group] of t) {
    if (usedHeld.has(k)) continue;
    const first = group[0]!;
    const heldId = heldKeyIds[first.provider];
    const row = buildRow(first.day, first.provider, group, [], fetches);
    if (first.key === "pass-through") {
      rows.push({ ...row, ...nullProvider(row), apiKeyId: "pass-through", held: false, reason: "pass_through" });
    } else if (heldId === undefined) {
      rows.push({ ...row, ...nullProvider(row), apiKeyId: "held", held: true, reason: "key_unmapped" });
    } else {
      rows.push({ ...row, apiKeyId: heldId, held: true });
    }
  }
  return rows.sort(byDayProviderKey);
}

const MEASURES = [
  "requests",
  "inputTokens",
  "cachedInputTokens",
  "cacheWriteTokens",
  "cacheWrite1hTokens",
  "outputTokens",
  "costUsd",
] as const;

function nullTollgate(row: ReconciliationRow): Partial<ReconciliationRow> {
  return Object.fromEntries(MEASURES.map((k) => [k, { tollgate: null, provider: row[k].provider, diff: null, pct: null }]));
}

function nullProvider(row: ReconciliationRow): Partial<ReconciliationRow> {
  return Object.fromEntries(MEASURES.map((k) => [k, { tollgate: row[k].tollgate, provider: null, diff: null, pct: null }]));
}
