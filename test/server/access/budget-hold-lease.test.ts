import { randomUUID } from "node:crypto";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureLedger, monthOf, reserve } from "../../../server/src/access/budget-store.ts";
import { loadConfig } from "../../../server/src/config.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { eventually } from "../../support/tollgate.ts";
import { startReplica, type Replica } from "./harness.ts";

// A reservation is held while its call runs. The sweep that gives back reservations of dead replicas must not
// take it from a stream that simply runs longer than the lease: the replica serving it renews it.
// The lease here is 1 s (refresh every 200 ms) instead of an hour, so the test needs no hour-long stream.
const LEASE_MS = 1_000;
let db: TestDatabase;
let upstream: Server;
let tg: Replica;
/** streams waiting for the test to let them finish */
const held: ServerResponse[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  // An OpenAI-style upstream whose stream sends one chunk, then waits until the test releases it.
  upstream = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(
        `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: "Hel" } }], usage: null })}\n\n`,
      );
      held.push(res);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const port = (upstream.address() as AddressInfo).port;
  tg = await startReplica(db, {
    TOLLGATE_UPSTREAM_OPENAI: `http://127.0.0.1:${port}`,
    TOLLGATE_ACCESS_REFRESH_MS: "200",
    TOLLGATE_BUDGET_HOLD_LEASE_MS: String(LEASE_MS),
  });
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await tg?.close();
  await new Promise((r) => upstream?.close(r));
  await db?.drop();
});

function finish(res: ServerResponse): void {
  const usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 };
  res.write(
    `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: "lo" }, finish_reason: "stop" }], usage: null })}\n\n`,
  );
  res.write(`data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [], usage })}\n\n`);
  res.end("data: [DONE]\n\n");
}

// max_tokens 1,000,000 on gpt-4o-mini ($0.60 per 1M output) reserves ≈ $0.60: one such call fits a $1 budget, two do not.
const BODY = JSON.stringify({
  model: "gpt-4o-mini",
  stream: true,
  stream_options: { include_usage: true },
  max_tokens: 1_000_000,
  messages: [{ role: "user", content: "hi" }],
});

function stream(app: string): Promise<Response> {
  return fetch(`${tg.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-client-passthrough-1111111", "content-type": "application/json", "x-tollgate-app": app },
    body: BODY,
  });
}

async function budget(id: string): Promise<{ spentUsd: string; reservedUsd: string }> {
  const body = (await (await tg.admin("/api/budgets")).json()) as { budgets: Array<{ id: string; spentUsd: string; reservedUsd: string }> };
  return body.budgets.find((b) => b.id === id)!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("budget reservations of long calls", () => {
  it(
    "a stream running past the hold lease keeps its reservation until it ends; a dead replica's hold is still given back",
    { timeout: 30_000 },
    async () => {
      for (const app of ["long-stream", "dead-replica"]) {
        expect(
          (await tg.admin(`/api/budgets/${app}`, { method: "PUT", body: JSON.stringify({ monthlyUsd: "1", action: "block" }) })).status,
        ).toBe(200);
      }
      // A hold no running call renews: what a replica that died mid-call leaves behind.
      const month = monthOf(Date.now());
      await ensureLedger(db.pool, "app:dead-replica", month);
      expect(await reserve(db.pool, "app:dead-replica", month, "0.75", randomUUID())).toBe(true);

      const res = await stream("long-stream");
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain("Hel");
      const reserved = (await budget("app:long-stream")).reservedUsd;
      expect(Number(reserved)).toBeGreaterThan(0.5);

      // Well past the lease, with many refreshes (and sweeps) in between — and at least until a sweep gave the
      // dead replica's hold back (a loaded machine refreshes less often than every 200 ms).
      await Promise.all([
        sleep(LEASE_MS * 3),
        eventually(async () => expect(await budget("app:dead-replica")).toMatchObject({ reservedUsd: "0", spentUsd: "0" })),
      ]);
      expect(await budget("app:long-stream")).toMatchObject({ reservedUsd: reserved, spentUsd: "0" });
      // The room is still taken: a second such call does not fit the budget.
      const second = await stream("long-stream");
      expect(second.status).toBe(429);
      await second.arrayBuffer();

      // The stream ends: its exact cost (1,000 input + 500 output tokens = $0.00045) replaces the reservation.
      finish(held[0]!);
      for (;;) if ((await reader.read()).done) break;
      const deadline = Date.now() + 5_000;
      for (;;) {
        await tg.tollgate.recorder.flush();
        await tg.tollgate.access.budgets.drain();
        const state = await budget("app:long-stream");
        if (state.reservedUsd === "0") {
          expect(state.spentUsd).toBe("0.00045");
          break;
        }
        if (Date.now() > deadline) throw new Error(`still reserved: ${JSON.stringify(state)}`);
        await sleep(25);
      }
    },
  );

  it("refuses a lease shorter than three refresh intervals", () => {
    expect(() => loadConfig({ TOLLGATE_ACCESS_REFRESH_MS: "10000", TOLLGATE_BUDGET_HOLD_LEASE_MS: "20000" })).toThrow(
      /TOLLGATE_BUDGET_HOLD_LEASE_MS: must be at least 3 × TOLLGATE_ACCESS_REFRESH_MS \(30000\)/,
    );
    expect(loadConfig({}).access.budgetHoldLeaseMs).toBe(3_600_000);
  });
});
