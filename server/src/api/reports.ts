import { Router, type Request, type Response } from "express";
import type pg from "pg";
import { startCsv, wantsCsv, writeCsvRows, type CsvColumn } from "./csv.ts";
import { failuresReport } from "./failures.ts";
import { latencyReport } from "./latency.ts";
import { FAILURE_COLUMNS, LATENCY_COLUMNS, SPEND_COLUMNS } from "./report-csv.ts";
import { spendReport } from "./spend.ts";

interface Report<Row> {
  name: string;
  build(pool: pg.Pool, query: unknown): Promise<{ series: Row[] }>;
  columns: ReadonlyArray<CsvColumn<Row>>;
}

/** GET /{name} (JSON, or CSV with Accept: text/csv) and GET /{name}.csv (the series rows as CSV). */
function mount<Row>(router: Router, pool: pg.Pool, report: Report<Row>): void {
  const handle = async (req: Request, res: Response) => {
    const body = await report.build(pool, req.query);
    if (!wantsCsv(req)) {
      res.json(body);
      return;
    }
    startCsv(res, `${report.name}.csv`);
    try {
      await writeCsvRows(res, report.columns, body.series);
      res.end();
    } catch (err) {
      // The client went away mid-file; headers are sent, so there is no error response left to give.
      res.destroy(err as Error);
    }
  };
  router.get(`/${report.name}`, handle);
  router.get(`/${report.name}.csv`, handle);
}

/** The reports of SPEC §5: spend, failures and latency; rollups for long ranges, raw calls for short ones. */
export function reportsRouter(pool: pg.Pool): Router {
  const router = Router();
  mount(router, pool, { name: "spend", build: (p, q) => spendReport(p, q), columns: SPEND_COLUMNS });
  mount(router, pool, { name: "failures", build: (p, q) => failuresReport(p, q), columns: FAILURE_COLUMNS });
  mount(router, pool, { name: "latency", build: (p, q) => latencyReport(p, q), columns: LATENCY_COLUMNS });
  return router;
}
