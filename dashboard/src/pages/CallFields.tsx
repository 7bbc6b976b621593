// Every recorded field of a call, in the order of the API's Call type, as a definition list.
import type { ReactElement } from "react";
import type { Call } from "../api.ts";

/** Pretty-prints a JSON body; anything else is shown as it is. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

const ORDER: Array<keyof Call> = [
  "id",
  "startedAt",
  "provider",
  "endpoint",
  "model",
  "responseModel",
  "deployment",
  "app",
  "user",
  "properties",
  "keyId",
  "stream",
  "status",
  "outcome",
  "errorType",
  "errorMessage",
  "upstreamRequestId",
  "serviceTier",
  "finishReasons",
  "inputTokens",
  "cachedInputTokens",
  "cacheWriteTokens",
  "outputTokens",
  "reasoningTokens",
  "usageSource",
  "usageClamped",
  "costUsd",
  "fees",
  "feesUsd",
  "priceId",
  "priced",
  "latencyMs",
  "ttftMs",
  "overheadMs",
  "requestBytes",
  "responseBytes",
  "errorBody",
];

const SHOWN_ELSEWHERE = new Set(["price", "requestBody", "responseBody", "request"]);

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A list of names ("stop, length"), or a dash when empty. */
function showList(list: readonly string[] | undefined): string {
  return list && list.length > 0 ? list.join(", ") : "—";
}

/** "web_search × 10 = $0.1; code_execution × ? (count not reported)": what each fee added to the cost. */
function showFees(fees: Call["fees"]): string {
  if (!fees || fees.length === 0) return "—";
  return fees
    .map((f) =>
      f.count === null ? `${f.kind} × ? (count not reported)` : `${f.kind} × ${f.count} = ${f.usd === null ? "unpriced" : `$${f.usd}`}`,
    )
    .join("; ");
}

export function CallFields(props: { call: Call }): ReactElement {
  const record = props.call as unknown as Record<string, unknown>;
  // Bodies and replay data have their own panel (the conversation).
  const extra = Object.keys(record).filter((k) => !(ORDER as string[]).includes(k) && !SHOWN_ELSEWHERE.has(k));
  return (
    <dl className="fields">
      {[...ORDER, ...extra].map((k) => (
        <div key={k} className={k === "errorBody" ? "field field-wide" : "field"} data-testid={`field-${k}`}>
          <dt>{k}</dt>
          <dd className="mono">
            {k === "fees" ? showFees(props.call.fees) : k === "finishReasons" ? showList(props.call.finishReasons) : show(record[k])}
          </dd>
        </div>
      ))}
    </dl>
  );
}
