import autocannon from "autocannon";
import { beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAi } from "../../support/fake-openai.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";
import { eventually } from "../../support/tollgate.ts";

let arrived = 0;

const tg = useProxyFixture({ fake: startFakeOpenAi, routes: ["OPENAI"] });

beforeAll(async () => {
  tg.tollgate.server.on("request", () => arrived++);
});

async function rowCount(): Promise<number> {
  await tg.tollgate.recorder.flush();
  const { rows } = await tg.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM calls");
  return rows[0]?.n ?? -1;
}

describe("under load, with clients hanging up at every point", () => {
  // autocannon ends its run by destroying 32 sockets wherever their calls are: some mid-request, some
  // mid-stream, some just after the last byte was written but before the write completed. Each of those
  // calls must still be recorded once, and none may stay "in flight" (shutdown would wait on it).
  it("records every call that arrived exactly once and leaves nothing in flight", async () => {
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
    for (let round = 0; round < 3; round++) {
      await autocannon({
        url: `${tg.url}/openai/v1/chat/completions`,
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
        body,
        connections: 32,
        duration: 1,
      });
    }
    await eventually(async () => expect(tg.tollgate.app.proxy.inFlight()).toBe(0), 5_000);
    expect(arrived).toBeGreaterThan(32); // more calls than connections: each connection finished some and was cut in another
    // (cut calls are recorded once their token estimate is back: the first loads the tokenizer, seconds under load)
    await eventually(async () => expect(await rowCount()).toBe(arrived), 20_000);
    const { rows } = await tg.db.pool.query<{ outcome: string; n: number }>("SELECT outcome, count(*)::int AS n FROM calls GROUP BY 1");
    const byOutcome = Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
    expect(
      Object.keys(byOutcome)
        .sort()
        .filter((o) => o !== "ok" && o !== "client_cancelled"),
    ).toEqual([]);
    expect(byOutcome.ok).toBeGreaterThan(0);
  }, 30_000);
});
