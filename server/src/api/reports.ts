import { Router, type Request, type Response } from "express";
import type { PrismaClient } from "../db/client.ts";
import { startCsv, wantsCsv, writeCsvRows, type CsvColumn } from "./csv.ts";
import { failuresReport } from "../reports/failures.ts";
import { latencyReport } from "../reports/latency.ts";
import { FAILURE_COLUMNS, LATENCY_COLUMNS, rangeFileName, spendColumns } from "./report-csv.ts";
import { spendReport } from "../reports/spend.ts";

interface Report<Row, Body extends { series: Row[] } = { series: Row[] }> {
  name: string;
  build(db: PrismaClient, query: unknown): Promise<Body>;
  /** the CSV columns, fixed or depending on the report (one per spend dimension) */
  columns: ReadonlyArray<CsvColumn<Row>> | ((body: Body) => ReadonlyArray<CsvColumn<Row>>);
  /** the CSV's file name; `${name}.csv` when absent */
  fileName?(body: Body): string;
}

/** GET /{name} (JSON, or CSV with Accept: text/csv) and GET /{name}.csv (the series rows as CSV). */
function mount<Row, Body extends { series: Row[] }>(router: Router, db: PrismaClient, report: Report<Row, Body>): void {
  const handle = async (req: Request, res: Response) => {
    const body = await report.build(db, req.query);
    if (!wantsCsv(req)) {
      res.json(body);
      return;
    }
    startCsv(res, report.fileName?.(body) ?? `${report.name}.csv`);
    try {
      const columns = typeof report.columns === "function" ? report.columns(body) : report.columns;
      await writeCsvRows(res, columns, body.series);
      res.end();
    } catch (err) {
      // The client went away mid-file; headers are sent, so there is no error response left to give.
      res.destroy(err as Error);
    }
  };
  router.get(`/${report.name}`, handle);
  router.get(`/${report.name}.csv`, handle);
}

/** The reports: spend, failures and latency; rollups for long ranges, raw calls for short ones. */
export function reportsRouter(db: PrismaClient): Router {
  const router = Router();
  mount(router, db, {
    name: "spend",
    build: (p, q) => spendReport(p, q),
    columns: (b) => spendColumns(b.dimensions),
    fileName: (b) => rangeFileName("spend", b),
  });
  mount(router, db, { name: "failures", build: (p, q) => failuresReport(p, q), columns: FAILURE_COLUMNS });
  mount(router, db, { name: "latency", build: (p, q) => latencyReport(p, q), columns: LATENCY_COLUMNS });
  return router;
}
