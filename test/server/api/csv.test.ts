import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvCell } from "../../../server/src/api/csv.ts";
import { CALL_COLUMNS, FAILURE_COLUMNS, LATENCY_COLUMNS, spendColumns } from "../../../server/src/api/report-csv.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { sumDecimalStrings } from "../../../server/src/lib/decimal.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { call, csvObjects, parseCsv, syntheticCalls } from "./fixtures.ts";

describe("csvCell", () => {
  it("quotes cells with commas, quotes, line breaks or edge spaces, doubling inner quotes", () => {
    expect(csvCell("plain", "text")).toBe("plain");
    expect(csvCell('say "hi", then go', "text")).toBe('"say ""hi"", then go"');
    expect(csvCell("line1\nline2", "text")).toBe('"line1\nline2"');
    expect(csvCell(" padded", "text")).toBe('" padded"');
    expect(csvCell(null, "text")).toBe("");
  });

  it("neutralises spreadsheet formulas in text cells only", () => {
    expect(csvCell("=1+1", "text")).toBe("'=1+1");
    expect(csvCell("+33 6 12", "text")).toBe("'+33 6 12");
    expect(csvCell("-2", "text")).toBe("'-2");
    expect(csvCell("@SUM(A1)", "text")).toBe("'@SUM(A1)");
    expect(csvCell("\tx", "text")).toBe("'\tx");
    expect(csvCell('=HYPERLINK("http://evil")', "text")).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell(-2, "number")).toBe("-2");
    expect(csvCell("0.0000000000000001", "money")).toBe("0.0000000000000001");
  });
});

let tg: TestTollgate;
const FROM = "2026-11-10T00:00:00Z";
const TO = "2026-11-13T00:00:00Z";
const hostile = call({
  at: "2026-11-12T08:00:00.000Z",
  app: 'billing, "eu"',
  outcome: "upstream_error",
  status: 500,
  errorType: "=cmd|' /C calc'!A0",
  errorMessage: "@attack\nsecond line",
  errorBody: '{"error":{"message":"-1+2"}}',
  properties: { team: "=x" },
  costUsd: "0.0000000000000007",
});
const traffic = syntheticCalls(1_203, Date.parse(FROM), Date.parse("2026-11-12T00:00:00Z"), 7);

beforeAll(async () => {
  tg = await startTestTollgate();
  expect(await insertCalls(tg.tollgate.db.pool, [...traffic, hostile])).toBe(1_204);
});
afterAll(async () => {
  await tg?.close();
});

async function fetchText(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${tg.url}${path}`, { headers });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

describe("report CSV", () => {
  it("/api/spend.csv holds the JSON series rows with exact money, and sums back to the total", async () => {
    const q = `from=${FROM}&to=${TO}&interval=hour&groupBy=app`;
    const json = (await (await fetch(`${tg.url}/api/spend?${q}`)).json()) as {
      totals: { costUsd: string; calls: number };
      series: Array<Record<string, unknown>>;
    };
    const csv = await fetchText(`/api/spend.csv?${q}`);
    expect(csv.status).toBe(200);
    expect(csv.type).toBe("text/csv; charset=utf-8");
    expect(
      csv.text.startsWith(
        spendColumns(["app"])
          .map((c) => c.header)
          .join(",") + "\r\n",
      ),
    ).toBe(true);
    const rows = csvObjects(csv.text);
    expect(rows).toHaveLength(json.series.length);
    rows.forEach((r, i) => {
      const s = json.series[i] as Record<string, unknown>;
      expect(r.bucket).toBe(s.bucket);
      expect(r.app).toBe(s.group);
      expect(r.costUsd).toBe(s.costUsd);
      expect(Number(r.calls)).toBe(s.calls);
      expect(Number(r.outputTokens)).toBe(s.outputTokens);
    });
    expect(sumDecimalStrings(rows.map((r) => r.costUsd))).toBe(json.totals.costUsd);
    expect(rows.reduce((n, r) => n + Number(r.calls), 0)).toBe(json.totals.calls);
    // The app name with a comma and quotes survives the round trip.
    expect(rows.some((r) => r.app === 'billing, "eu"')).toBe(true);
  });

  it("Accept: text/csv works on the plain routes; failures and latency carry their columns", async () => {
    const failures = await fetchText(`/api/failures?from=${FROM}&to=${TO}`, { accept: "text/csv" });
    expect(failures.type).toBe("text/csv; charset=utf-8");
    const [header, ...rows] = parseCsv(failures.text);
    expect(header).toEqual(FAILURE_COLUMNS.map((c) => c.header));
    const failed = rows.reduce((n, r) => n + Number(r[3]), 0);
    expect(failed).toBe([...traffic, hostile].filter((c) => c.outcome !== "ok").length);
    const latency = await fetchText(`/api/latency.csv?from=${FROM}&to=${TO}&groupBy=model`);
    expect(parseCsv(latency.text)[0]).toEqual(LATENCY_COLUMNS.map((c) => c.header));
    // A browser's Accept (*/*, html first) still gets JSON.
    const json = await fetchText(`/api/spend?from=${FROM}&to=${TO}`, { accept: "text/html,*/*;q=0.8" });
    expect(json.type).toMatch(/^application\/json/);
  });

  it("a bad parameter gets a 400 in JSON, not a CSV", async () => {
    for (const path of ["/api/spend.csv?interval=week", "/api/calls.csv?from=soon"]) {
      const res = await fetchText(path);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).error.message).toMatch(/^(interval|from): /);
    }
  });
});

describe("/api/calls CSV", () => {
  it("streams every matching call across pages, newest first, each field in its column", async () => {
    const res = await fetchText(`/api/calls.csv?from=${FROM}&to=${TO}`);
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual(CALL_COLUMNS.map((c) => c.header));
    expect(rows).toHaveLength(1_204);
    const all = [...traffic, hostile].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (b.id < a.id ? -1 : 1));
    expect(rows.map((r) => r[0])).toEqual(all.map((c) => c.id));
    const objects = csvObjects(res.text);
    expect(sumDecimalStrings(objects.map((o) => o.costUsd || null))).toBe(sumDecimalStrings(all.map((c) => c.costUsd)));
    const h = objects.find((o) => o.id === hostile.id) as Record<string, string>;
    expect(h.app).toBe('billing, "eu"');
    expect(h.errorType).toBe("'=cmd|' /C calc'!A0");
    expect(h.errorMessage).toBe("'@attack\nsecond line");
    expect(h.errorBody).toBe('{"error":{"message":"-1+2"}}');
    expect(h.properties).toBe('{"team":"=x"}');
    expect(h.costUsd).toBe("0.0000000000000007");
    expect(h.startedAt).toBe("2026-11-12T08:00:00.000Z");
    expect(h.status).toBe("500");
  });

  it("honours the filters and Accept: text/csv on /api/calls", async () => {
    const res = await fetchText(`/api/calls?from=${FROM}&to=${TO}&outcome=upstream_error`, { accept: "text/csv" });
    expect(res.type).toBe("text/csv; charset=utf-8");
    const rows = csvObjects(res.text);
    expect(rows.length).toBe([...traffic, hostile].filter((c) => c.outcome === "upstream_error").length);
    expect(new Set(rows.map((r) => r.outcome))).toEqual(new Set(["upstream_error"]));
  });
});
