// Drawing an in-progress last bucket apart from the complete ones (pure; the chart components draw it).

/** The suffix of the extra series that carries a line's or area's last, partial segment. */
export const PARTIAL_SUFFIX = " (in progress)";

type Row = Record<string, string | number | null>;

/**
 * For line and area charts: each category's value in the partial bucket moves to a second series
 * (`category + PARTIAL_SUFFIX`), which also holds the bucket before it so the dashed segment joins the line.
 * Rows are copied; without a partial bucket they come back unchanged.
 */
export function splitPartial(
  rows: readonly Row[],
  index: string,
  categories: readonly string[],
  partial: string | null | undefined,
): Row[] {
  const at = partial ? rows.findIndex((r) => r[index] === partial) : -1;
  if (at === -1) return [...rows];
  return rows.map((r, i) => {
    if (i !== at && i !== at - 1) return r;
    const out: Row = { ...r };
    for (const c of categories) {
      out[c + PARTIAL_SUFFIX] = r[c] ?? null;
      if (i === at) out[c] = null;
    }
    return out;
  });
}
