// Sorting table rows by a column the user picked; nulls ("—") always last, whichever the direction.

export interface SortState<K extends string> {
  key: K;
  desc: boolean;
}

export type SortValue = number | string | null;

/** A copy of `rows` ordered by `valueOf(row, key)`; ties keep their order. */
export function sortRows<T, K extends string>(rows: readonly T[], sort: SortState<K>, valueOf: (row: T, key: K) => SortValue): T[] {
  const dir = sort.desc ? -1 : 1;
  return rows
    .map((row, i) => ({ row, i, v: valueOf(row, sort.key) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
      const c = typeof a.v === "number" && typeof b.v === "number" ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return c === 0 ? a.i - b.i : c * dir;
    })
    .map((x) => x.row);
}

/** The state after clicking a column's header: the same column flips, another starts descending. */
export function toggleSort<K extends string>(sort: SortState<K>, key: K): SortState<K> {
  return sort.key === key ? { key, desc: !sort.desc } : { key, desc: true };
}
