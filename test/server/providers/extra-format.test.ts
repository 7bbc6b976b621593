import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/src/config.ts";
import { registerAdapter } from "../../../server/src/providers/index.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import type { FakeServer } from "../../support/fake-server.ts";
import { callById, createKey, startReplica, type Replica } from "../access/harness.ts";
import { acme } from "./extra-format/adapter.ts";
import { ACME_USAGE, startFakeAcme } from "./extra-format/fake.ts";

// CONTRIBUTING.md's "Adding a wire format", kept true: an adapter in its own folder (here a test's), one
// registration, a fake — and config, the virtual-key hook, metering and budgets serve it with no other edit.
const HELD = "acme-held-key-0123456789abcdef";
let db: TestDatabase;
let fake: FakeServer;
let configPath: string;
let tg: Replica | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeAcme(HELD);
  configPath = join(mkdtempSync(join(tmpdir(), "tollgate-acme-")), "tollgate.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      providers: [{ name: "acme", baseUrl: fake.url, format: "acme", apiKeyEnv: "ACME_HELD_KEY" }],
      // $1 per 1M input tokens, $1,000 per 1M output tokens: the output cap dominates a budget's estimate
      prices: [
        { provider: "acme", model: "acme-1", effectiveFrom: "2020-01-01T00:00:00Z", inputUsdPerMTok: "1", outputUsdPerMTok: "1000" },
      ],
    }),
  );
});
afterAll(async () => {
  await tg?.close();
  await fake?.close();
  await db?.drop();
});

function complete(key: string, maxOut: number): Promise<Response> {
  return fetch(`${tg!.url}/acme/v2/complete`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-acme-key": key },
    body: JSON.stringify({ model: "acme-1", prompt: "Say hello", limits: { max_out: maxOut } }),
  });
}

describe("a wire format registered from outside server/src/providers/", () => {
  it("is refused by config until registered, then accepted", () => {
    expect(() => loadConfig({ TOLLGATE_CONFIG: configPath })).toThrow(/unknown wire format "acme"/);
    registerAdapter(acme);
    expect(loadConfig({ TOLLGATE_CONFIG: configPath }).providers.get("acme")).toMatchObject({ format: "acme", priceProvider: "acme" });
  });

  it("takes a virtual key in its own header and sends the held key there; the call is metered and priced", async () => {
    tg = await startReplica(db, { TOLLGATE_CONFIG: configPath, ACME_HELD_KEY: HELD });
    const { key, id } = await createKey(tg, { app: "acme-app", provider: "acme" });
    const res = await complete(key, 5);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ model: "acme-1", usage: ACME_USAGE });
    const seen = fake.seen[fake.seen.length - 1]!;
    expect(seen.headers["x-acme-key"]).toBe(HELD);
    expect(JSON.stringify(seen.headers)).not.toContain("tg_");
    // 1,000 input × $1 + 5 output × $1,000 per 1M tokens
    const call = await callById(tg, res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({
      provider: "acme",
      endpoint: "complete",
      app: "acme-app",
      keyId: id,
      outcome: "ok",
      inputTokens: 1000,
      outputTokens: 5,
      costUsd: "0.006",
    });
  });

  it("has budgets reserve the output its max-output field names, and refuses in its own error shape", async () => {
    const { key } = await createKey(tg!, { app: "acme-app", provider: "acme" });
    const put = await tg!.admin("/api/budgets/acme-app", { method: "PUT", body: JSON.stringify({ limitUsd: "0.05", action: "block" }) });
    expect(put.status).toBe(200);
    const reached = fake.seen.length;
    // limits.max_out 100 → 100 × $1,000 per 1M = $0.10 reserved, over the $0.05 limit: refused here
    const refused = await complete(key, 100);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ fault: { kind: expect.any(String) } });
    expect(fake.seen.length).toBe(reached);
    // limits.max_out 5 → $0.005 reserved (the default cap of 4,096 would reserve $4.10): let through
    const allowed = await complete(key, 5);
    expect(allowed.status).toBe(200);
    expect(fake.seen.length).toBe(reached + 1);
  });
});
