import { Router } from "express";
import { z } from "zod";
import type { ReconcileConfig } from "../config.ts";
import type { PrismaClient } from "../db/client.ts";
import { TollgateError } from "../lib/errors.ts";
import type { Measure, ReconciliationRow } from "../reconciliation/comparison.ts";
import { buildReconciliation, RECONCILE_GROUP_BY } from "../reconciliation/report.ts";
import { RECONCILED_PROVIDERS } from "../reports/reconciliation-sql.ts";
import { startCsv, wantsCsv, writeCsvRows, type CsvColumn } from "./csv.ts";
import { parseQuery } from "../reports/query.ts";

const day = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s));

const schema = z.object({
  from: day.optional(),
  to: day.optional(),
  provider: z.enum(RECONCILED_PROVIDERS).optional(),
  groupBy: z.enum(RECONCILE_GROUP_BY).default("model"),
});

/** The longest range one request may compare (a year of days). */
const MAX_DAYS = 366;

const MEASURES = [
  "requests",
  "inputTokens",
  "cachedInputTokens",
  "cacheWriteTokens",
  "cacheWrite1hTokens",
  "outputTokens",
  "costUsd",
] as const;

function columns(): CsvColumn<ReconciliationRow>[] {
  const out: CsvColumn<ReconciliationRow>[] = [
    { header: "day", kind: "text", value: (r) => r.day },
    { header: "provider", kind: "text", value: (r) => r.provider },
    { header: "model", kind: "text", value: (r) => r.model },
    { header: "api_key_id", kind: "text", value: (r) => r.apiKeyId },
    { header: "held", kind: "bool", value: (r) => r.held },
    { header: "project", kind: "text", value: (r) => r.project },
    { header: "reason", kind: "text", value: (r) => r.reason },
  ];
  for (const m of MEASURES) {
    const snake = m.replace(/[A-Z]|1h/g, (c) => `_${c.toLowerCase()}`);
    const kind = m === "costUsd" ? "money" : "number";
    for (const side of ["tollgate", "provider", "diff", "pct"] as const) {
      out.push({ header: `${snake}_${side}`, kind: side === "pct" ? "number" : kind, value: (r) => (r[m] as Measure)[side] });
    }
  }
  out.push(
    { header: "web_search_requests", kind: "number", value: (r) => r.webSearchRequests },
    { header: "unpriced_calls", kind: "number", value: (r) => r.unpricedCalls },
    { header: "fetched_at", kind: "time", value: (r) => r.fetchedAt },
    { header: "complete", kind: "bool", value: (r) => r.complete },
  );
  return out;
}

/**
 * GET /reconciliation(.csv)?from&to&provider&groupBy=day|model|key: Tollgate's calls against the providers'
 * own usage and cost reports per UTC day (default: the last 7 days).
 */
export function reconciliationRouter(deps: { prisma: PrismaClient; config: ReconcileConfig }): Router {
  const router = Router();
  router.get(["/reconciliation", "/reconciliation.csv"], async (req, res) => {
    const q = parseQuery(schema, req.query);
    const to = q.to ?? new Date(Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000);
    const from = q.from ?? new Date(to.getTime() - 7 * 86_400_000);
    if (from >= to) throw new TollgateError("invalid_request", "from: must be before to");
    if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000)
      throw new TollgateError("invalid_request", `to: at most ${MAX_DAYS} days after from`);
    const report = await buildReconciliation(deps.prisma, deps.config, { from, to, provider: q.provider, groupBy: q.groupBy });
    if (wantsCsv(req)) {
      startCsv(res, `reconciliation-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`);
      await writeCsvRows(res, columns(), report.rows);
      res.end();
      return;
    }
    res.json(report);
  });
  return router;
}
