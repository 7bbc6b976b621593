import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { Spool } from "../../../server/src/recording/spool.ts";
import { SpoolReplayer } from "../../../server/src/recording/spool-replayer.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { sampleRecord } from "./records.ts";

const tempDir = () => mkdtempSync(join(tmpdir(), "tollgate-replay-priority-"));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => sampleRecord(from + i));

describe("records spooled during a long replay", () => {
  it("are replayed before the rest of the backlog", async () => {
    const spool = await Spool.open({ dir: tempDir(), maxBytes: 1 << 24, segmentBytes: 4000 });
    for (const r of range(0, 20)) await spool.append([r]);
    const backlogSegments = await (async () => {
      await spool.seal();
      return spool.sealedSegments().length;
    })();
    expect(backlogSegments).toBeGreaterThan(3);
    const order: string[] = [];
    let fresh: Promise<void> | null = null;
    const replayer = new SpoolReplayer({
      spool,
      batchSize: 5,
      intervalMs: 60_000,
      async write(batch: readonly CallRecord[]) {
        order.push(...batch.map((b) => b.upstreamRequestId ?? ""));
        // While the first segment is being replayed, a new call is spooled (Postgres refused its batch).
        fresh ??= spool.append([sampleRecord(99)]);
        await fresh;
        return batch.length;
      },
    });
    await replayer.replayNow();
    expect(spool.records()).toBe(0);
    expect(order).toHaveLength(21);
    // right after the segment that was being replayed, not after all 20 backlog records
    expect(order.indexOf("req_99")).toBeLessThan(8);
  });
});

describe("a call made during a long start-up replay", () => {
  let fake: FakeOpenAi | undefined;
  let tg: TestTollgate | undefined;
  afterAll(async () => {
    await tg?.close();
    await fake?.close();
  });

  it("is readable through /api/calls/:id while the replay goes on", { timeout: 120_000 }, async () => {
    // An earlier run left 60,000 calls in the spool.
    const dir = tempDir();
    const earlier = await Spool.open({ dir, maxBytes: 1 << 30 });
    for (let i = 0; i < 60_000; i += 5_000) await earlier.append(range(i, i + 5_000));
    await earlier.close();
    fake = await startFakeOpenAi();
    tg = await startTestTollgate({ TOLLGATE_UPSTREAM_OPENAI: fake.url, TOLLGATE_SPOOL_DIR: dir, TOLLGATE_RECORDER_FLUSH_MS: "20" });
    const tollgate = tg.tollgate;
    expect(tollgate.spool.records()).toBeGreaterThan(0);

    const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    await res.text();
    const id = res.headers.get("x-tollgate-call-id");
    const answered = performance.now();
    let readableAfter = -1;
    let spooledThen = 0;
    while (performance.now() - answered < 10_000) {
      const call = await fetch(`${tg.url}/api/calls/${id}`);
      await call.text();
      if (call.status === 200) {
        readableAfter = performance.now() - answered;
        spooledThen = tollgate.spool.records();
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(readableAfter).toBeGreaterThanOrEqual(0);
    expect(readableAfter).toBeLessThan(2_000);
    // the replay was still going on: the call did not wait for it
    expect(spooledThen).toBeGreaterThan(0);
  });
});
