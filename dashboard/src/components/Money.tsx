// A dollar amount at its column's precision with the exact amount on hover (title) and in data-exact, so
// a rounded figure is never taken for the exact one. Precisions: lib/money.ts (TOTAL_DIGITS, CALL_DIGITS).
import type { ReactElement } from "react";
import { formatUsd, formatUsdExact, isExactAt, TOTAL_DIGITS } from "../lib/money.ts";

export function moneyTitle(value: string | number | null | undefined, digits: number = TOTAL_DIGITS): string | undefined {
  if (value === null || value === undefined) return undefined;
  const exact = formatUsdExact(String(value));
  return isExactAt(value, digits) ? exact : `exactly ${exact}`;
}

export function Money(props: { value: string | null | undefined; digits?: number; testId?: string }): ReactElement {
  const digits = props.digits ?? TOTAL_DIGITS;
  return (
    <span className="money" title={moneyTitle(props.value, digits)} data-exact={props.value ?? undefined} data-testid={props.testId}>
      {formatUsd(props.value, digits)}
    </span>
  );
}
