// A table header cell that sorts its table by that column; aria-sort tells assistive tech the order.
import type { ReactElement, ReactNode } from "react";
import type { SortState } from "../lib/sort.ts";

export function SortHeader<K extends string>(props: {
  column: K;
  sort: SortState<K>;
  onSort: (key: K) => void;
  num?: boolean;
  children: ReactNode;
}): ReactElement {
  const active = props.sort.key === props.column;
  return (
    <th className={props.num ? "num" : undefined} aria-sort={active ? (props.sort.desc ? "descending" : "ascending") : "none"}>
      <button type="button" className="sort-header" data-testid={`sort-${props.column}`} onClick={() => props.onSort(props.column)}>
        {props.children}
        {active ? (props.sort.desc ? " ▼" : " ▲") : ""}
      </button>
    </th>
  );
}
