import { DEFAULT_PROVIDER_ALIASES, modelNameVariants, providerCandidates } from "./model-names.ts";
import type { FeePriceRow } from "./fee-price-row.ts";

const SOURCE_RANK: Record<string, number> = { manual: 3, config: 2 };

interface CompiledRow {
  row: FeePriceRow;
  test: (name: string) => boolean;
  /** lower is more specific: exact rows, then longer prefixes, then other patterns */
  specificity: number;
}

function compile(row: FeePriceRow): CompiledRow | null {
  const pattern = row.model.toLowerCase();
  switch (row.matchType) {
    case "exact":
      return { row, test: (n) => n === pattern, specificity: 0 };
    case "prefix":
      return { row, test: (n) => n.startsWith(pattern), specificity: 1_000 - pattern.length };
    case "suffix":
      return { row, test: (n) => n.endsWith(pattern), specificity: 2_000 - pattern.length };
    case "contains":
      return { row, test: (n) => n.includes(pattern), specificity: 2_000 - pattern.length };
    case "regex":
      try {
        const re = new RegExp(row.model, "i");
        return { row, test: (n) => re.test(n), specificity: 2_000 - pattern.length };
      } catch {
        return null;
      }
  }
}

/**
 * Fee prices in memory, by provider and kind. A lookup takes the most specific model pattern that has a row
 * effective at the call's start, and that pattern's newest row (a config row beats the source's on the
 * same date). Fee rows are few, so a lookup scans its (provider, kind) list.
 */
export class FeeIndex {
  private readonly byKey = new Map<string, CompiledRow[]>();

  constructor(
    readonly rows: readonly FeePriceRow[],
    private readonly aliases: Readonly<Record<string, readonly string[]>> = DEFAULT_PROVIDER_ALIASES,
  ) {
    for (const row of rows) {
      const compiled = compile(row);
      if (!compiled) continue;
      const key = `${row.provider.toLowerCase()}\u0000${row.kind}`;
      const list = this.byKey.get(key) ?? [];
      list.push(compiled);
      this.byKey.set(key, list);
    }
  }

  /** The fee price for `kind` on a call of `models` (the reported model first), or null. */
  priceFor(provider: string, kind: string, models: ReadonlyArray<string | null | undefined>, at: Date): FeePriceRow | null {
    const time = at.getTime();
    for (const p of providerCandidates(provider, this.aliases)) {
      const list = this.byKey.get(`${p}\u0000${kind}`);
      if (!list) continue;
      for (const model of models) {
        if (!model) continue;
        const names = modelNameVariants(model);
        let best: CompiledRow | null = null;
        for (const c of list) {
          if (c.row.effectiveFrom.getTime() > time || !names.some(c.test)) continue;
          if (!best || better(c, best)) best = c;
        }
        if (best) return best.row;
      }
    }
    return null;
  }
}

function better(a: CompiledRow, b: CompiledRow): boolean {
  if (a.specificity !== b.specificity) return a.specificity < b.specificity;
  const dt = a.row.effectiveFrom.getTime() - b.row.effectiveFrom.getTime();
  if (dt !== 0) return dt > 0;
  const rank = (SOURCE_RANK[a.row.source] ?? 1) - (SOURCE_RANK[b.row.source] ?? 1);
  if (rank !== 0) return rank > 0;
  return (a.row.createdAt?.getTime() ?? 0) > (b.row.createdAt?.getTime() ?? 0);
}
