import { eventually, type TestTollgate } from "./tollgate.ts";

/** A running test Tollgate, as startTestTollgate or useProxyFixture give it. */
type Tollgate = Omit<TestTollgate, "close">;

/** The recorded call with this id, as GET /api/calls/:id returns it (waits for the recorder). */
export function callById(tg: Tollgate, id: string | null | undefined): Promise<Record<string, unknown>> {
  if (!id) throw new Error("no x-tollgate-call-id header");
  return eventually(async () => {
    await tg.tollgate.recorder.flush();
    const res = await fetch(`${tg.url}/api/calls/${id}`);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  });
}

/**
 * The single recorded call matching `pick`, waiting until exactly one exists. Generous: a call without usage
 * is recorded once its token estimate is back, and the first one loads the tokenizer in its worker (seconds
 * on a loaded machine).
 */
export function onlyCall(tg: Tollgate, pick: (row: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const rows = (await tg.calls()).filter(pick);
    if (rows.length !== 1) throw new Error(`expected one matching call, found ${rows.length}`);
    return rows[0]!;
  }, 20_000);
}
