import type { Response } from "express";
import type pg from "pg";
import { listCalls } from "../reports/calls.ts";
import { startCsv, writeCsvRows } from "./csv.ts";
import { CALL_COLUMNS } from "./report-csv.ts";

const PAGE = 500;

/**
 * The call log as CSV: every call matching the filters (from `cursor` on, newest first), fetched page by
 * page with the keyset cursor and written as it goes — memory stays at one page whatever the range.
 * The first page is read before anything is sent, so a bad parameter still gets a 400 in JSON.
 */
export async function streamCallsCsv(pool: pg.Pool, query: Record<string, unknown>, res: Response): Promise<void> {
  const base = { ...query, limit: String(PAGE) };
  let page = await listCalls(pool, base);
  startCsv(res, "calls.csv");
  try {
    let first = true;
    for (;;) {
      await writeCsvRows(res, CALL_COLUMNS, page.calls, first);
      first = false;
      if (!page.nextCursor || res.destroyed) break;
      page = await listCalls(pool, { ...base, cursor: page.nextCursor });
    }
    res.end();
  } catch (err) {
    // Headers are gone: the only honest signal left is a cut connection, never a truncated "complete" file.
    res.destroy(err as Error);
  }
}
