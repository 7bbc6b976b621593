import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type ReconcileConfig } from "../../../server/src/config.ts";
import { createLogger } from "../../../server/src/lib/logger.ts";
import { createMetrics } from "../../../server/src/metrics/index.ts";
import { RECONCILE_LOCK, startReconcileSchedule } from "../../../server/src/reconciliation/schedule.ts";
import { callRecord } from "../../support/call-record.ts";
import { startFakeOpenAiOrg, type FakeOrgReports } from "../../support/fake-org-reports.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { DAY_MS, OPENAI_ADMIN_KEY, PROVIDER_PRICES, utcDay, writePriceConfig } from "./harness.ts";

let org: FakeOrgReports;
let tg: TestTollgate;
let config: ReconcileConfig;
const today = utcDay(new Date());
const yesterday = new Date(today.getTime() - DAY_MS);
// Two hours into today: yesterday's report, fetched now, counts as complete.
const now = () => new Date(today.getTime() + 2 * 3_600_000);

beforeAll(async () => {
  org = await startFakeOpenAiOrg({ adminKey: OPENAI_ADMIN_KEY, prices: PROVIDER_PRICES });
  const env = {
    OPENAI_ADMIN_KEY,
    TOLLGATE_RECONCILE_OPENAI_URL: org.url,
    TOLLGATE_RECONCILE_INTERVAL_MS: "0",
    TOLLGATE_CONFIG: writePriceConfig(),
  };
  tg = await startTestTollgate(env);
  config = loadConfig({ ...env, TOLLGATE_RECONCILE_ALERT_SHARE: "0.1" }).reconcile;
});
afterAll(async () => {
  await tg?.close();
  await org?.close();
});

describe("the background fetch", () => {
  it("runs on one replica at a time and sets the drift of the last complete day", async () => {
    // Yesterday: Tollgate metered one recon-a call, the provider billed two (0.0022 each).
    tg.tollgate.recorder.enqueue(
      callRecord({
        startedAt: new Date(yesterday.getTime() + 10 * 3_600_000),
        model: "recon-a",
        responseModel: "recon-a",
        inputTokens: 1200,
        cachedInputTokens: 400,
        outputTokens: 300,
        costUsd: "0.0022",
      }),
    );
    await tg.tollgate.recorder.flush();
    const event = {
      time: new Date(yesterday.getTime() + 10 * 3_600_000),
      model: "recon-a",
      apiKeyId: "key_x",
      inputTokens: 1200,
      cachedInputTokens: 400,
      outputTokens: 300,
    };
    org.events.push(event, event);

    const metrics = createMetrics({ defaultMetrics: false });
    const logs: string[] = [];
    const deps = {
      pool: tg.tollgate.db.pool,
      prisma: tg.tollgate.db.prisma,
      config,
      metrics: metrics.reconciliation,
      logger: createLogger("info", { write: (l: string) => void logs.push(l) }),
      now,
    };
    const replicaA = startReconcileSchedule(deps);
    const replicaB = startReconcileSchedule(deps);

    // Another replica holds the lock: this one does not fetch.
    const holder = await tg.tollgate.db.pool.connect();
    await holder.query("SELECT pg_advisory_lock($1)", [RECONCILE_LOCK]);
    expect(await replicaA.runOnce()).toBe(false);
    expect(org.hits.size).toBe(0);
    await holder.query("SELECT pg_advisory_unlock($1)", [RECONCILE_LOCK]);
    holder.release();

    expect(await replicaB.runOnce()).toBe(true);
    expect(org.hits.get("/v1/organization/usage/completions")).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('tollgate_reconciliation_drift_usd{provider="openai"} 0.0022');
    expect(text).toContain('tollgate_reconciliation_provider_cost_usd{provider="openai"} 0.0044');
    expect(text).toContain("tollgate_reconciliation_alert_share 0.1");
    expect(logs.join("")).toContain("provider usage and cost reports fetched");

    // A failing provider: the error names the status, never the key.
    org.faults.push({ status: 403 });
    const err = (await replicaA.runOnce().catch((e: Error) => e)) as Error;
    expect(err.message).toContain("answered 403");
    expect(err.message).not.toContain(OPENAI_ADMIN_KEY);
    await Promise.all([replicaA.stop(), replicaB.stop()]);
  });
});
