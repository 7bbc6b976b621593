import { describe, expect, it } from "vitest";
import { classify, measure, PROVIDER_SETTLE_MS, type ClassifyInput } from "../../../server/src/reconciliation/reasons.ts";
import { centsToUsd } from "../../../server/src/reconciliation/anthropic-reports.ts";
import { splitLineItem } from "../../../server/src/reconciliation/openai-reports.ts";
import { retryAfterMs } from "../../../server/src/reconciliation/admin-http.ts";
import type { Figures } from "../../../server/src/reports/reconciliation-sql.ts";

const figures = (over: Partial<Figures> = {}): Figures => ({
  requests: "10",
  inputTokens: "1000",
  cachedInputTokens: "100",
  cacheWriteTokens: "0",
  cacheWrite1hTokens: "0",
  outputTokens: "500",
  costUsd: "1.5",
  ...over,
});
const lastCall = new Date("2026-12-07T10:00:00Z");
const caughtUp = {
  provider: "openai",
  day: new Date("2026-12-07T00:00:00Z"),
  fetchedAt: new Date(lastCall.getTime() + PROVIDER_SETTLE_MS),
  hourly: false,
};
const input = (over: Partial<ClassifyInput>): ClassifyInput => ({
  tollgate: figures(),
  provider: figures(),
  fetch: caughtUp,
  lastCall,
  webSearchRequests: "0",
  unpricedCalls: "0",
  ...over,
});

describe("measure", () => {
  it("gives provider − Tollgate and that as a % of the provider's figure, exactly", () => {
    expect(measure("3", "5")).toEqual({ tollgate: "3", provider: "5", diff: "2", pct: "40" });
    expect(measure("0.0096", "0.0088")).toEqual({ tollgate: "0.0096", provider: "0.0088", diff: "-0.0008", pct: "-9.09" });
    expect(measure("2", "3")).toMatchObject({ diff: "1", pct: "33.33" });
    expect(measure("1", "3")).toMatchObject({ diff: "2", pct: "66.67" });
    expect(measure("5", "0")).toMatchObject({ diff: "-5", pct: null });
    expect(measure("0", "0")).toMatchObject({ diff: "0", pct: "0" });
    expect(measure("0.1000000000000000", "0.1")).toEqual({ tollgate: "0.1", provider: "0.1", diff: "0", pct: "0" });
    expect(measure("2", null)).toEqual({ tollgate: "2", provider: null, diff: null, pct: null });
  });
});

describe("classify", () => {
  it("names the likeliest reason", () => {
    expect(classify(input({}))).toBe("match");
    expect(classify(input({ provider: figures({ requests: "12", inputTokens: "1200", outputTokens: "600", costUsd: "1.8" }) }))).toBe(
      "unmetered_traffic",
    );
    expect(classify(input({ provider: figures({ requests: null, inputTokens: "1200" }) }))).toBe("unmetered_traffic");
    expect(classify(input({ provider: figures({ costUsd: "1.6" }) }))).toBe("price_drift");
    expect(classify(input({ provider: figures({ costUsd: "1.6" }), unpricedCalls: "1" }))).toBe("unpriced_in_tollgate");
    expect(classify(input({ provider: figures({ costUsd: "1.6" }), webSearchRequests: "3" }))).toBe("unpriced_in_tollgate");
    expect(
      classify(
        input({
          tollgate: null,
          provider: figures({ requests: "0", inputTokens: "0", cachedInputTokens: "0", outputTokens: "0", costUsd: "0.5" }),
        }),
      ),
    ).toBe("unpriced_in_tollgate");
    const fewer = figures({ inputTokens: "400", outputTokens: "200", requests: "4" });
    expect(classify(input({ provider: fewer, fetch: { ...caughtUp, fetchedAt: new Date(lastCall.getTime() + 60_000) } }))).toBe(
      "provider_lag",
    );
    expect(classify(input({ provider: fewer, fetch: undefined }))).toBe("provider_lag");
    expect(classify(input({ provider: fewer }))).toBe("metered_not_reported");
    expect(classify(input({ provider: figures({ inputTokens: "2000", outputTokens: "100" }) }))).toBe("mixed");
  });
});

describe("report fields", () => {
  it("reads Anthropic's cents and OpenAI's line items", () => {
    expect(centsToUsd("123.45")).toBe("1.2345");
    expect(centsToUsd("7")).toBe("0.07");
    expect(centsToUsd("0")).toBe("0");
    expect(splitLineItem("gpt-4o-mini-2024-07-18, cached input")).toEqual({ model: "gpt-4o-mini-2024-07-18", tokenType: "cached input" });
    expect(splitLineItem("Web search tool calls")).toEqual({ model: "", tokenType: "" });
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs(new Date(Date.parse("2026-12-07T10:00:05Z")).toUTCString(), Date.parse("2026-12-07T10:00:00Z"))).toBe(5000);
  });
});
