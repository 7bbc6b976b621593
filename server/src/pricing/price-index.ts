import { DEFAULT_PROVIDER_ALIASES, modelNameVariants, providerCandidates } from "./model-names.ts";
import { inWindow, windowOf } from "./daily-window.ts";
import { normalizeServiceTier, type PriceRow } from "./price-row.ts";
import { scaleRow, serviceTierMultiplier } from "./service-tiers.ts";

/**
 * How the service tier was honoured: a row for the tier itself, the standard row scaled by a documented
 * multiplier, or the standard row as is because nothing better is known (the cost may then be off).
 */
export type ServiceTierBasis = "standard" | "tier-row" | "multiplier" | "standard-fallback";

export interface PriceMatch {
  price: PriceRow;
  serviceTierBasis: ServiceTierBasis;
  /** set when serviceTierBasis is "multiplier": the factor applied to every rate of `price` */
  multiplier?: string;
}

/** All rows for one (provider, matchType, model pattern), split by service tier, newest first. */
interface PriceGroup {
  provider: string;
  byTier: Map<string, PriceRow[]>; // "" = the standard tier
}

interface PatternRule {
  test: (name: string) => boolean;
  group: PriceGroup;
}

export interface PriceBookOptions {
  providerAliases?: Readonly<Record<string, readonly string[]>>;
  /** how many resolved (provider, model) names to remember; model names come from clients, so bounded */
  resolvedCacheSize?: number;
}

const SOURCE_RANK: Record<string, number> = { manual: 3, config: 2 };
const STANDARD = "";

const windowed = (r: PriceRow) => (r.dailyStartUtc ? 1 : 0);

/** Newest first; on the same date a row limited to a daily window before the all-day one. */
function newerFirst(a: PriceRow, b: PriceRow): number {
  return (
    b.effectiveFrom.getTime() - a.effectiveFrom.getTime() ||
    windowed(b) - windowed(a) ||
    (SOURCE_RANK[b.source] ?? 1) - (SOURCE_RANK[a.source] ?? 1) ||
    (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) ||
    (a.id < b.id ? 1 : -1)
  );
}

/** The newest row effective at `at` (ms), skipping rows whose daily window does not contain it. */
function effectiveAt(rows: PriceRow[] | undefined, at: number): PriceRow | undefined {
  if (!rows) return undefined;
  const second = Math.floor((((at % 86_400_000) + 86_400_000) % 86_400_000) / 1000);
  for (const row of rows) {
    if (row.effectiveFrom.getTime() > at) continue;
    const w = windowOf(row);
    if (w && !inWindow(w, second)) continue;
    return row;
  }
  return undefined;
}

function compileRule(row: PriceRow): ((name: string) => boolean) | null {
  const pattern = row.model.toLowerCase();
  switch (row.matchType) {
    case "exact":
      return null;
    case "prefix":
      return (name) => name.startsWith(pattern);
    case "suffix":
      return (name) => name.endsWith(pattern);
    case "contains":
      return (name) => name.includes(pattern);
    case "regex": {
      const re = new RegExp(row.model, "i");
      return (name) => re.test(name);
    }
  }
}

/** Longer prefixes first (most specific), then other patterns, longer ones first. */
function ruleOrder(row: PriceRow): [number, number] {
  return [row.matchType === "prefix" ? 0 : 1, -row.model.length];
}

/**
 * The effective-dated price table in memory, immutable once built. A lookup is a cached name resolution
 * plus a scan of the (few) dated rows of the matching group.
 */
export class PriceIndex {
  private readonly exact = new Map<string, PriceGroup>();
  private readonly patterns = new Map<string, PatternRule[]>();
  private readonly resolved = new Map<string, PriceGroup[]>();
  private readonly scaled = new Map<string, PriceRow>();
  private readonly aliases: Readonly<Record<string, readonly string[]>>;
  private readonly cacheSize: number;
  /** rows whose pattern could not be compiled (e.g. a regex in another dialect); they never match */
  readonly unusableRows: PriceRow[] = [];

  constructor(
    private readonly allRows: PriceRow[],
    options: PriceBookOptions = {},
  ) {
    this.aliases = options.providerAliases ?? DEFAULT_PROVIDER_ALIASES;
    this.cacheSize = options.resolvedCacheSize ?? 10_000;
    const groups = new Map<string, PriceGroup>();
    const ruleRows: Array<{ row: PriceRow; rule: PatternRule }> = [];
    for (const row of allRows) {
      const provider = row.provider.toLowerCase();
      const key = `${provider}\u0000${row.matchType}\u0000${row.model.toLowerCase()}`;
      let group = groups.get(key);
      if (!group) {
        let test: ((name: string) => boolean) | null;
        try {
          test = compileRule(row);
        } catch {
          this.unusableRows.push(row);
          continue;
        }
        group = { provider, byTier: new Map() };
        groups.set(key, group);
        if (test) ruleRows.push({ row, rule: { test, group } });
        else this.exact.set(`${provider}\u0000${row.model.toLowerCase()}`, group);
      }
      const tier = normalizeServiceTier(row.serviceTier) ?? STANDARD;
      const rows = group.byTier.get(tier) ?? [];
      rows.push(row);
      group.byTier.set(tier, rows);
    }
    for (const group of groups.values()) for (const rows of group.byTier.values()) rows.sort(newerFirst);
    ruleRows.sort((a, b) => {
      const [ka, la] = ruleOrder(a.row);
      const [kb, lb] = ruleOrder(b.row);
      return ka - kb || la - lb;
    });
    for (const { row, rule } of ruleRows) {
      const provider = row.provider.toLowerCase();
      const list = this.patterns.get(provider) ?? [];
      list.push(rule);
      this.patterns.set(provider, list);
    }
  }

  get rows(): readonly PriceRow[] {
    return this.allRows;
  }

  /** The groups that could price `model` on `provider`, best first (cached, bounded). */
  private resolve(provider: string, model: string): PriceGroup[] {
    const cacheKey = `${provider}\u0000${model}`;
    const cached = this.resolved.get(cacheKey);
    if (cached) return cached;
    const found: PriceGroup[] = [];
    const add = (g: PriceGroup | undefined) => {
      if (g && !found.includes(g)) found.push(g);
    };
    const names = modelNameVariants(model);
    for (const p of providerCandidates(provider, this.aliases)) {
      for (const name of names) add(this.exact.get(`${p}\u0000${name}`));
      const rules = this.patterns.get(p) ?? [];
      for (const name of names) for (const rule of rules) if (rule.test(name)) add(rule.group);
    }
    if (this.resolved.size >= this.cacheSize) {
      const oldest = this.resolved.keys().next();
      if (!oldest.done) this.resolved.delete(oldest.value);
    }
    this.resolved.set(cacheKey, found);
    return found;
  }

  /**
   * The price for a call: the newest row with effectiveFrom ≤ `at` among the rows matching the provider
   * (or its aliases) and model, for the call's service tier when the table has one. Null when unpriced.
   */
  priceFor(provider: string, model: string, at: Date, serviceTier: string | null): PriceMatch | null {
    const groups = this.resolve(provider, model);
    if (groups.length === 0) return null;
    const time = at.getTime();
    const tier = normalizeServiceTier(serviceTier);
    if (tier) {
      for (const g of groups) {
        const row = effectiveAt(g.byTier.get(tier), time);
        if (row) return { price: row, serviceTierBasis: "tier-row" };
      }
    }
    for (const g of groups) {
      const row = effectiveAt(g.byTier.get(STANDARD), time);
      if (!row) continue;
      if (!tier) return { price: row, serviceTierBasis: "standard" };
      const multiplier = serviceTierMultiplier(g.provider, tier);
      if (!multiplier) return { price: row, serviceTierBasis: "standard-fallback" };
      return { price: this.scaledRow(row, multiplier), serviceTierBasis: "multiplier", multiplier };
    }
    return null;
  }

  private scaledRow(row: PriceRow, multiplier: string): PriceRow {
    const key = `${row.id}\u0000${multiplier}`;
    let out = this.scaled.get(key);
    if (!out) {
      out = scaleRow(row, multiplier);
      this.scaled.set(key, out);
    }
    return out;
  }
}
