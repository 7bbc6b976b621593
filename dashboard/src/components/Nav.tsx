// The page tabs; each link keeps the current range and filters.
import type { ReactElement } from "react";
import { pageHref, PAGES, type Page, type RouteName, type ViewState } from "../lib/url-state.ts";

const LABELS: Record<Page, string> = {
  spend: "Spend",
  statement: "Statement",
  failures: "Failures",
  latency: "Latency",
  calls: "Calls",
  sessions: "Sessions",
  prices: "Prices",
  budgets: "Budgets",
  reconciliation: "Reconciliation",
  books: "Books",
};

export function Nav(props: { current: RouteName; view: ViewState }): ReactElement {
  const current = props.current === "call" ? "calls" : props.current === "session" ? "sessions" : props.current;
  return (
    <nav className="nav" aria-label="Pages">
      {PAGES.map((p) => (
        <a
          key={p}
          href={pageHref(p, props.view)}
          data-testid={`nav-${p}`}
          className={p === current ? "active" : ""}
          aria-current={p === current ? "page" : undefined}
        >
          {LABELS[p]}
        </a>
      ))}
    </nav>
  );
}
