import { Router, type Request, type Response } from "express";
import type pg from "pg";
import { z } from "zod";
import type { PrismaClient } from "../db/client.ts";
import { TollgateError } from "../lib/errors.ts";
import { getClosed } from "../books/periods.ts";
import { monthStatement, type StatementLine, type StatementScope } from "../reports/statement.ts";
import { parsePropertyFilters } from "../reports/spend-dimensions.ts";
import { startCsv, wantsCsv, writeCsvRows, type CsvColumn } from "./csv.ts";
import { parseQuery } from "../reports/query.ts";

const statementQuery = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month, YYYY-MM"),
  app: z.string().min(1).max(200).optional(),
});

type CsvRow = Omit<StatementLine, "provider" | "model" | "priceIds"> & { provider: string; model: string; priceIds: string[] };
const col = (header: string, kind: CsvColumn<CsvRow>["kind"], value: (r: CsvRow) => unknown): CsvColumn<CsvRow> => ({
  header,
  kind,
  value,
});
const STATEMENT_COLUMNS: ReadonlyArray<CsvColumn<CsvRow>> = [
  col("provider", "text", (r) => r.provider),
  col("model", "text", (r) => r.model),
  ...(
    [
      "calls",
      "unpricedCalls",
      "inputTokens",
      "cachedInputTokens",
      "cacheWriteTokens",
      "cacheWrite1hTokens",
      "outputTokens",
      "reasoningTokens",
    ] as const
  ).map((k) => col(k, "number", (r) => r[k])),
  col("costUsd", "money", (r) => r.costUsd),
  col("priceIds", "text", (r) => r.priceIds.join(" ")),
];

const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 60);

/**
 * GET /statement?month=YYYY-MM[&app=A][&property.<name>=V] (JSON, or CSV: /statement.csv or Accept:
 * text/csv): the month's chargeback statement for an app or team, with the period's close record.
 */
export function statementRouter(pool: pg.Pool, prisma: PrismaClient): Router {
  const router = Router();
  const handle = async (req: Request, res: Response) => {
    const q = parseQuery(statementQuery, req.query);
    const props = Object.entries(parsePropertyFilters(req.query));
    if (props.length > 1) throw new TollgateError("invalid_request", "property.<name>: one property per statement");
    const scope: StatementScope = {
      ...(q.app !== undefined ? { app: q.app } : {}),
      ...(props[0] ? { property: { name: props[0][0], value: props[0][1] } } : {}),
    };
    const [statement, closed] = await Promise.all([monthStatement(pool, q.month, scope), getClosed(prisma, q.month)]);
    if (!wantsCsv(req)) {
      // a closed month carries its totals at closing: equal to an unscoped statement's while it stays closed
      res.json({ ...statement, closed });
      return;
    }
    const who = [scope.app, scope.property && `${scope.property.name}-${scope.property.value}`]
      .filter(Boolean)
      .map((s) => slug(s as string));
    startCsv(res, `tollgate-statement-${q.month}${who.length ? `-${who.join("-")}` : ""}.csv`);
    await writeCsvRows(res, STATEMENT_COLUMNS, [...statement.lines, { provider: "TOTAL", model: "", ...statement.totals, priceIds: [] }]);
    res.end();
  };
  router.get("/statement", handle);
  router.get("/statement.csv", handle);
  return router;
}
