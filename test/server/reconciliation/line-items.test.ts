import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicHttp, fetchAnthropicReport } from "../../../server/src/reconciliation/anthropic-reports.ts";
import { fetchOpenAiReport, openAiHttp } from "../../../server/src/reconciliation/openai-reports.ts";
import { replaceReport } from "../../../server/src/reconciliation/report-store.ts";
import { callRecord } from "../../support/call-record.ts";
import { startFakeAnthropicOrg, startFakeOpenAiOrg, type FakeOrgReports } from "../../support/fake-org-reports.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";

/*
 * The usage reports' line items beyond plain tokens — Anthropic's web search requests, OpenAI's audio tokens,
 * batch usage on both — each have a counterpart in what Tollgate recorded: per day × model, Tollgate's count
 * beside the provider's (`lineItems`).
 */
const DAY = new Date("2026-11-26T00:00:00Z");
const AT = new Date("2026-11-26T12:00:00Z");
const KEY = "sk-admin-line-items-0a1b2c3d4e5f";

let tg: TestTollgate;
let openaiOrg: FakeOrgReports;
let anthropicOrg: FakeOrgReports;

beforeAll(async () => {
  tg = await startTestTollgate();
  openaiOrg = await startFakeOpenAiOrg({
    adminKey: KEY,
    prices: { "gpt-4o-audio-preview": { input: "2.5", output: "10" }, "gpt-4o-mini-2024-07-18": { input: "0.075", output: "0.3" } },
  });
  anthropicOrg = await startFakeAnthropicOrg({
    adminKey: KEY,
    prices: { "claude-sonnet-4-5-20250929": { input: "3", output: "15", webSearch: "0.01" } },
  });
});
afterAll(async () => {
  await tg?.close();
  await openaiOrg?.close();
  await anthropicOrg?.close();
});

async function fetchReports(): Promise<void> {
  const to = new Date(DAY.getTime() + 86_400_000);
  const fetchedAt = new Date(to.getTime() + 86_400_000);
  await replaceReport(
    tg.tollgate.db.prisma,
    "openai",
    { from: DAY, to, widths: ["1d"] },
    await fetchOpenAiReport(openAiHttp(openaiOrg.url, KEY), DAY, to),
    fetchedAt,
  );
  await replaceReport(
    tg.tollgate.db.prisma,
    "anthropic",
    { from: DAY, to, widths: ["1d"] },
    await fetchAnthropicReport(anthropicHttp(anthropicOrg.url, KEY), DAY, to),
    fetchedAt,
  );
}

type Row = {
  provider: string;
  model?: string;
  lineItems?: Record<string, { tollgate: string | null; provider: string | null; diff: string | null }>;
};

async function rows(groupBy: "model" | "day"): Promise<Row[]> {
  const res = await fetch(`${tg.url}/api/reconciliation?from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00Z&groupBy=${groupBy}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows: Row[] }).rows;
}

describe("reconciliation line items", () => {
  it("web search requests, audio tokens and batch tokens: Tollgate's records against the provider's report", async () => {
    // What Tollgate recorded: a Claude call that ran 3 web searches (its fee counted), a gpt-4o audio call,
    // and two batch result lines.
    const recorded = [
      callRecord({
        startedAt: AT,
        provider: "anthropic",
        endpoint: "messages",
        model: "claude-sonnet-4-5",
        responseModel: "claude-sonnet-4-5-20250929",
        inputTokens: 1200,
        outputTokens: 300,
        fees: [{ kind: "web_search", count: 3, usd: "0.03" }] as never,
        feesUsd: "0.03",
      }),
      callRecord({
        startedAt: AT,
        model: "gpt-4o-audio-preview",
        responseModel: "gpt-4o-audio-preview",
        inputTokens: 500,
        outputTokens: 800,
        audioInputTokens: 400,
        audioOutputTokens: 700,
      }),
      callRecord({ startedAt: AT, endpoint: "batch.chat.completions", serviceTier: "batch", inputTokens: 22, outputTokens: 2 }),
      callRecord({ startedAt: AT, endpoint: "batch.chat.completions", serviceTier: "batch", inputTokens: 1000, outputTokens: 200 }),
    ];
    for (const r of recorded) tg.tollgate.recorder.enqueue(r);
    await tg.tollgate.recorder.flush();

    // What the providers' books say: the same, but one web search and 100 audio output tokens Tollgate never saw.
    anthropicOrg.events.push({
      time: AT,
      model: "claude-sonnet-4-5-20250929",
      apiKeyId: "apikey_01",
      inputTokens: 1200,
      outputTokens: 300,
      webSearchRequests: 4,
    });
    openaiOrg.events.push(
      {
        time: AT,
        model: "gpt-4o-audio-preview",
        apiKeyId: "key_1",
        inputTokens: 100,
        inputAudioTokens: 400,
        outputTokens: 100,
        outputAudioTokens: 800,
      },
      { time: AT, model: "gpt-4o-mini-2024-07-18", apiKeyId: "key_1", inputTokens: 1022, outputTokens: 202, batch: true, requests: 2 },
    );
    await fetchReports();

    const byModel = Object.fromEntries((await rows("model")).map((r) => [r.model, r.lineItems]));
    expect(byModel["claude-sonnet-4-5-20250929"]!.webSearchRequests).toEqual({ tollgate: "3", provider: "4", diff: "1", pct: "25" });
    expect(byModel["gpt-4o-audio-preview"]!.audioInputTokens).toMatchObject({ tollgate: "400", provider: "400", diff: "0" });
    expect(byModel["gpt-4o-audio-preview"]!.audioOutputTokens).toMatchObject({ tollgate: "700", provider: "800", diff: "100" });
    expect(byModel["gpt-4o-mini-2024-07-18"]!.batchInputTokens).toMatchObject({ tollgate: "1022", provider: "1022", diff: "0" });
    expect(byModel["gpt-4o-mini-2024-07-18"]!.batchOutputTokens).toMatchObject({ tollgate: "202", provider: "202", diff: "0" });

    const byDay = Object.fromEntries((await rows("day")).map((r) => [r.provider, r.lineItems]));
    expect(byDay.anthropic!.webSearchRequests).toMatchObject({ tollgate: "3", provider: "4" });
    expect(byDay.openai!.audioOutputTokens).toMatchObject({ tollgate: "700", provider: "800" });
    expect(byDay.openai!.batchInputTokens).toMatchObject({ tollgate: "1022", provider: "1022" });
  });
});
