import { describe, expect, it } from "vitest";
import { LabelLimiter, OTHER } from "../../../server/src/metrics/index.ts";
import { startFakeOpenAi } from "../../support/fake-openai.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

describe("LabelLimiter reserved values", () => {
  it("admits reserved values without a slot, after junk has taken every slot", () => {
    const known = new Set(["gpt-4o-mini", "claude-sonnet-4-5"]);
    const limiter = new LabelLimiter(3);
    limiter.reserve((v) => known.has(v));
    for (let i = 0; i < 50; i++) limiter.map(`junk-${i}`);
    expect(limiter.map("junk-49")).toBe(OTHER);
    expect(limiter.map("gpt-4o-mini")).toBe("gpt-4o-mini");
    expect(limiter.map("claude-sonnet-4-5")).toBe("claude-sonnet-4-5");
    expect(limiter.size).toBe(3);
    expect(limiter.map("junk-0")).toBe("junk-0");
  });
});

const tg = useProxyFixture({
  fake: startFakeOpenAi,
  routes: ["OPENAI"],
  env: () => ({ OPENAI_API_KEY: "sk-held-squatting", TOLLGATE_METRICS_MAX_APPS: "5", TOLLGATE_METRICS_MAX_MODELS: "5" }),
});

async function chat(app: string, model: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(app ? { "x-tollgate-app": app } : {}), ...headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
}

describe("metrics label squatting", () => {
  it("50 junk app and model names first: apps with budgets or keys and priced models still get their own labels", async () => {
    const put = await fetch(`${tg.url}/api/budgets/billing`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ monthlyUsd: "100", action: "alert" }),
    });
    expect(put.status).toBe(200);
    const key = await fetch(`${tg.url}/api/keys`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "k", app: "search", provider: "openai" }),
    });
    expect(key.status).toBe(201);
    const secret = ((await key.json()) as { key: string }).key;
    for (let i = 0; i < 50; i++) await chat(`junk-app-${i}`, `junk-model-${i}`);
    await chat("billing", "gpt-4o-mini");
    await chat("", "gpt-4o", { authorization: `Bearer ${secret}` }); // the key names its app
    await chat("latecomer", "junk-model-late");
    const m = parsePromText(await (await fetch(`${tg.url}/metrics`)).text());
    expect(m.value("tollgate_requests_total", { app: "billing", model: "gpt-4o-mini", outcome: "ok" })).toBe(1);
    expect(m.value("tollgate_requests_total", { app: "search", model: "gpt-4o", outcome: "ok" })).toBe(1);
    // junk still fills only the configured slots: a later unknown app and model are `other`
    expect(m.value("tollgate_requests_total", { app: OTHER, model: OTHER, outcome: "ok" })).toBe(46);
    expect(m.find("tollgate_requests_total", { app: "latecomer" })).toHaveLength(0);
    expect(m.labelValues("tollgate_requests_total", "app").size).toBe(5 + 2 + 1);
  });
});
