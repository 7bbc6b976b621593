import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { callRecord } from "../../support/call-record.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { eventually } from "../../support/tollgate.ts";
import { startReplica, type Replica } from "./harness.ts";

// Two replicas on one database notify each threshold once, through a local receiver; a 500 is retried.
let db: TestDatabase;
let a: Replica;
let b: Replica;
let receiver: Server;
let base: string;
const received: Array<{ path: string; body: Record<string, unknown> }> = [];
let flakyAnswers = 0;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(text) as Record<string, unknown> });
      // the flaky endpoint fails its first request
      res.statusCode = req.url === "/flaky" && flakyAnswers++ === 0 ? 500 : 200;
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  db = await createTestDatabase();
  const env = { TOLLGATE_ACCESS_REFRESH_MS: "60000", TOLLGATE_WEBHOOK_POLL_MS: "50", TOLLGATE_WEBHOOK_RETRY_BASE_MS: "100" };
  a = await startReplica(db, env);
  // the second replica declares one webhook in TOLLGATE_CONFIG
  const dir = mkdtempSync(join(tmpdir(), "tollgate-notify-"));
  writeFileSync(join(dir, "tollgate.yaml"), `notifications:\n  webhooks:\n    - name: flaky\n      url: ${base}/flaky\n`);
  b = await startReplica(db, { ...env, TOLLGATE_CONFIG: join(dir, "tollgate.yaml") });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.drop();
  await new Promise((r) => receiver?.close(r));
});

async function spend(usd: string): Promise<void> {
  await insertCalls(db.pool, [callRecord({ id: randomUUID(), app: "noisy", startedAt: new Date(Date.now() - 1000), costUsd: usd })]);
  // both replicas look, at the same time and again
  await Promise.all([a.tollgate.access.budgets.refresh(), b.tollgate.access.budgets.refresh()]);
  await Promise.all([a.tollgate.access.budgets.refresh(), b.tollgate.access.budgets.refresh()]);
}

const kinds = (path: string) => received.filter((r) => r.path === path).map((r) => r.body.kind ?? r.body.text);

async function allDelivered(): Promise<void> {
  await eventually(async () => {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM budget_notice_deliveries WHERE status <> 'delivered'`,
    );
    expect(rows[0]!.n).toBe(0);
  });
}

describe("budget notifications", () => {
  it("webhooks get each threshold once per period with two replicas; a 500 is retried; every attempt is recorded", async () => {
    const dayStart = new Date(new Date().toISOString().slice(0, 10)).getTime();
    if (Date.now() - dayStart > 86_400_000 - 120_000)
      await eventually(async () => expect(Date.now() - dayStart).toBeGreaterThan(86_400_000), 180_000); // not across midnight

    const put = (name: string, body: unknown) => a.admin(`/api/budget-webhooks/${name}`, { method: "PUT", body: JSON.stringify(body) });
    expect((await put("ops", { url: `${base}/ops/T000/secret-path` })).status).toBe(200);
    expect((await put("chat", { url: `${base}/slack`, format: "slack" })).status).toBe(200);
    expect((await put("Bad Name", { url: `${base}/x` })).status).toBe(400);
    expect((await put("nourl", { url: "ftp://example.com/x" })).status).toBe(400);
    const listed = (await (await a.admin("/api/budget-webhooks")).json()) as {
      webhooks: Array<{ name: string; url: string; format: string }>;
    };
    expect(listed.webhooks).toEqual([
      { name: "chat", url: `${base}/…`, format: "slack" },
      { name: "flaky", url: `${base}/…`, format: "json" },
      { name: "ops", url: `${base}/…`, format: "json" },
    ]);
    expect(JSON.stringify(listed)).not.toContain("secret-path");

    // A daily $10 alert budget: at $5.50 a day, the day's forecast stays under $10 until the limit is passed.
    expect(
      (await a.admin("/api/budgets/noisy", { method: "PUT", body: JSON.stringify({ limitUsd: "10", period: "day", action: "alert" }) }))
        .status,
    ).toBe(200);
    await spend("5.5");
    await allDelivered();
    expect(kinds("/ops/T000/secret-path")).toEqual(["50"]);
    expect(kinds("/flaky")).toEqual(["50", "50"]); // 500, then delivered on the retry
    expect(received.filter((r) => r.path === "/slack").map((r) => Object.keys(r.body))).toEqual([["text"]]);
    expect(kinds("/slack")[0]).toContain("50% reached");

    await spend("3");
    await spend("2");
    await allDelivered();
    // more looks and polls change nothing: each threshold was sent once
    await spend("0");
    await Promise.all([a.tollgate.access.notifications.poll(), b.tollgate.access.notifications.poll()]);
    expect(kinds("/ops/T000/secret-path").sort()).toEqual(["100", "50", "80", "forecast"]);
    expect(kinds("/flaky").sort()).toEqual(["100", "50", "50", "80", "forecast"]);
    expect(kinds("/slack")).toHaveLength(4);

    const reached = received.find((r) => r.path === "/ops/T000/secret-path" && r.body.kind === "100")!.body;
    expect(reached).toMatchObject({
      type: "budget.threshold",
      kind: "100",
      thresholdPercent: 100,
      spentUsd: "10.5",
      forecastUsd: expect.stringMatching(/^1[01]\./), // the day's projection at the time: $10.50 + up to a day at $1.50
      period: new Date().toISOString().slice(0, 10),
      budget: { id: "app:noisy", app: "noisy", keyId: null, period: "day", action: "alert", limitUsd: "10" },
    });
    expect(received.find((r) => r.path === "/ops/T000/secret-path" && r.body.kind === "forecast")!.body).toMatchObject({
      type: "budget.forecast_exceeds",
      thresholdPercent: null,
    });

    // Every attempt is on record, the 500 included.
    const notices = (await (await b.admin("/api/budget-notices")).json()) as {
      notices: Array<{ budgetId: string; kind: string; deliveries: Array<{ webhook: string; status: string; attempts: number }> }>;
      attempts: Array<{ webhook: string; kind: string; attempt: number; statusCode: number | null; error: string | null }>;
    };
    expect(notices.notices.map((n) => n.kind).sort()).toEqual(["100", "50", "80", "forecast"]);
    expect(notices.notices.find((n) => n.kind === "50")!.deliveries).toEqual([
      expect.objectContaining({ webhook: "chat", status: "delivered", attempts: 1 }),
      expect.objectContaining({ webhook: "flaky", status: "delivered", attempts: 2 }),
      expect.objectContaining({ webhook: "ops", status: "delivered", attempts: 1 }),
    ]);
    expect(notices.attempts).toHaveLength(13);
    expect(
      notices.attempts
        .filter((x) => x.webhook === "flaky" && x.kind === "50")
        .map((x) => [x.attempt, x.statusCode, x.error])
        .sort(),
    ).toEqual([
      [1, 500, "HTTP 500"],
      [2, 200, null],
    ]);
    // the "budget reached" warning was logged once across both replicas
    expect([...a.logs, ...b.logs].filter((l) => l.includes("budget reached (alert only"))).toHaveLength(1);
  });
});
