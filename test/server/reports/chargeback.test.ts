/* eslint-disable @typescript-eslint/no-explicit-any -- report bodies are JSON checked field by field below */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { csvObjects, syntheticCalls } from "../api/fixtures.ts";

// 60 days of synthetic traffic (Oct 15 – Dec 14), each call tagged with a team (or none) and some with a
// virtual key; data starts mid-October, so October is only partly covered.
const DAY = 86_400_000;
const START = Date.parse("2026-10-15T00:00:00Z");
const TEAMS = ["research", "growth", "support", null] as const;
const KEYS = ["0193a000-0000-7000-8000-000000000001", null] as const;
const CALLS: CallRecord[] = syntheticCalls(1_200, START, START + 60 * DAY, 7).map((c, i) => {
  const team = TEAMS[i % 4];
  return { ...c, properties: team ? { team, ...(c.properties ?? {}) } : c.properties, keyId: KEYS[i % 2] ?? null };
});

let tg: TestTollgate;
const get = async (path: string): Promise<any> => {
  const res = await fetch(`${tg.url}${path}`);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
};

/** Per-group figures straight from SQL over calls. */
async function sqlGroups(
  dims: string[],
  from: string,
  to: string,
  extraWhere = "",
  extraParams: unknown[] = [],
): Promise<Map<string, { cost: string; calls: number; input: number }>> {
  const exprs = dims.map((d) =>
    d.startsWith("property:")
      ? `coalesce(properties->>'${d.slice(9)}', '(none)')`
      : d === "key"
        ? "coalesce(key_id, '(none)')"
        : d === "model"
          ? "coalesce(model, '(none)')"
          : `"${d}"`,
  );
  const { rows } = await tg.tollgate.db.pool.query(
    `SELECT ${exprs.map((e, i) => `${e} AS d${i}`).join(", ")}, coalesce(sum(cost_usd), 0)::text AS cost, count(*)::int AS calls, sum(input_tokens)::int AS input
       FROM calls WHERE started_at >= $1 AND started_at < $2 ${extraWhere} GROUP BY ${dims.map((_, i) => i + 1).join(", ")}`,
    [from, to, ...extraParams],
  );
  return new Map(
    rows.map((r: any) => [
      dims.map((_, i) => r[`d${i}`]).join(" · "),
      { cost: String(Number.parseFloat(r.cost) === 0 ? "0" : r.cost.replace(/\.?0+$/, "")), calls: r.calls, input: r.input },
    ]),
  );
}

const asMap = (groups: any[]) => new Map(groups.map((g) => [g.key, { cost: g.costUsd, calls: g.calls, input: g.inputTokens }]));

beforeAll(async () => {
  tg = await startTestTollgate();
  expect(await insertCalls(tg.tollgate.db.pool, CALLS)).toBe(CALLS.length);
});
afterAll(async () => {
  await tg?.close();
});

const NOV = { from: "2026-11-01T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z" };
const RANGE = `from=${NOV.from}&to=${NOV.to}`;

describe("chargeback: property and multi-dimension grouping", () => {
  it("groupBy=property:team equals SQL over calls, with keys per dimension", async () => {
    const body = await get(`/api/spend?${RANGE}&groupBy=property:team`);
    expect(body.dimensions).toEqual(["property:team"]);
    expect(asMap(body.groups)).toEqual(await sqlGroups(["property:team"], NOV.from, NOV.to));
    expect(body.groups.map((g: any) => g.keys["property:team"]).sort()).toEqual(["(none)", "growth", "research", "support"]);
  });

  it("groupBy=property:team,model,key equals SQL over calls; series add up to groups", async () => {
    const dims = ["property:team", "model", "key"];
    const body = await get(`/api/spend?${RANGE}&groupBy=${dims.join(",")}&interval=day`);
    expect(asMap(body.groups)).toEqual(await sqlGroups(dims, NOV.from, NOV.to));
    const g = body.groups[0];
    expect(g.key).toBe(dims.map((d) => g.keys[d]).join(" · "));
    const seriesCalls = body.series.reduce((n: number, s: any) => n + s.calls, 0);
    expect(seriesCalls).toBe(body.totals.calls);
  });

  it("groupBy=app,model (rollups) equals SQL over calls", async () => {
    const body = await get(`/api/spend?${RANGE}&groupBy=app,model`);
    expect(asMap(body.groups)).toEqual(await sqlGroups(["app", "model"], NOV.from, NOV.to));
  });

  it("property.<name>= filters, and combines with other filters", async () => {
    const body = await get(`/api/spend?${RANGE}&groupBy=model&property.team=research`);
    expect(asMap(body.groups)).toEqual(await sqlGroups(["model"], NOV.from, NOV.to, "AND properties->>'team' = $3", ["research"]));
    const none = await get(`/api/spend?${RANGE}&groupBy=model&property.team=nobody`);
    expect(none.totals.calls).toBe(0);
  });

  it("rejects a fourth dimension and unknown ones", async () => {
    for (const g of ["app,model,user,key", "team", "property:", "app,app"]) {
      const res = await fetch(`${tg.url}/api/spend?${RANGE}&groupBy=${encodeURIComponent(g)}`);
      expect(res.status, g).toBe(400);
    }
  });

  it("CSV: one column per dimension, file name with the range, rows equal the JSON series", async () => {
    const q = `${RANGE}&groupBy=property:team,model&interval=day`;
    const json = await get(`/api/spend?${q}`);
    const res = await fetch(`${tg.url}/api/spend.csv?${q}`);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="tollgate-spend-2026-11-01-2026-12-01.csv"');
    const text = await res.text();
    expect(text.split("\r\n")[0]!.startsWith("bucket,property:team,model,costUsd,feesUsd,calls")).toBe(true);
    const rows = csvObjects(text);
    expect(rows.map((r) => [r.bucket, r["property:team"], r.model, r.costUsd, Number(r.calls)])).toEqual(
      json.series.map((s: any) => [s.bucket, s.keys["property:team"], s.keys.model, s.costUsd, s.calls]),
    );
  });
});

describe("comparison with the previous period", () => {
  it("last month vs the month before: previous figures per group equal SQL over October; October is partly covered", async () => {
    const body = await get(`/api/spend?${RANGE}&groupBy=property:team&compare=previous`);
    expect(body.compare.from).toBe("2026-10-01T00:00:00.000Z");
    expect(body.compare.to).toBe("2026-11-01T00:00:00.000Z");
    // data starts Oct 15: the API says so and does not call the comparison complete
    expect(body.compare.coverage).toEqual({
      from: CALLS.map((c) => c.startedAt)
        .sort((a, b) => a.getTime() - b.getTime())[0]!
        .toISOString(),
      to: "2026-11-01T00:00:00.000Z",
    });
    expect(body.compare.comparable).toBe(false);
    expect(body.coverage).toEqual({ from: NOV.from, to: NOV.to });
    const oct = await sqlGroups(["property:team"], "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z");
    for (const g of body.groups) {
      const o = oct.get(g.key);
      expect({ cost: g.previous.costUsd, calls: g.previous.calls, input: g.previous.inputTokens }, g.key).toEqual(
        o ?? { cost: "0", calls: 0, input: 0 },
      );
    }
    const total = [...oct.values()].reduce((n, v) => n + v.calls, 0);
    expect(body.totals.previous.calls).toBe(total);
  });

  it("November vs October is not comparable (October partly covered); ten days vs the ten before are", async () => {
    const body = await get(`/api/spend?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&compare=previous`);
    expect(body.compare.comparable).toBe(false);
    const dec = await get(`/api/spend?from=2026-11-10T00:00:00Z&to=2026-11-20T00:00:00Z&compare=previous`);
    // not a month start: the ten days before
    expect([dec.compare.from, dec.compare.to]).toEqual(["2026-10-31T00:00:00.000Z", "2026-11-10T00:00:00.000Z"]);
    expect(dec.compare.comparable).toBe(true);
    expect(dec.totals.previous).toEqual((await get(`/api/spend?from=2026-10-31T00:00:00Z&to=2026-11-10T00:00:00Z`)).totals);
  });

  it("month to date compares with the same days of the month before", async () => {
    const body = await get(`/api/spend?from=2026-12-01T00:00:00Z&to=2026-12-07T14:00:00Z&compare=previous&groupBy=app`);
    expect([body.compare.from, body.compare.to]).toEqual(["2026-11-01T00:00:00.000Z", "2026-11-07T14:00:00.000Z"]);
    expect(body.compare.comparable).toBe(true);
    expect(body.totals.previous).toEqual((await get(`/api/spend?from=2026-11-01T00:00:00Z&to=2026-11-07T14:00:00Z`)).totals);
  });
});
