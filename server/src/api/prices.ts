import { randomUUID } from "node:crypto";
import { Router } from "express";
import type { PrismaClient } from "../db/client.ts";
import type { PriceBook } from "../pricing/price-book.ts";
import { priceInputSchema, priceRowToJson, type PriceRow } from "../pricing/price-row.ts";
import { listPrices, unpricedModels } from "../reports/prices.ts";
import { insertPriceRow } from "../pricing/price-seed.ts";
import type { PricesResponse } from "./contract.ts";
import { parseOr400 } from "../lib/parse-or-400.ts";
import { pagePrices, pricePageSchema } from "../reports/price-page.ts";
import { parseQuery } from "../reports/query.ts";

export const MANUAL_SOURCE = "manual";

export interface PricesRouterDeps {
  prisma: PrismaClient;
  priceBook: PriceBook;
}

function byProviderModelNewest(a: PriceRow, b: PriceRow): number {
  return (
    a.provider.localeCompare(b.provider) ||
    a.model.localeCompare(b.model) ||
    (a.serviceTier ?? "").localeCompare(b.serviceTier ?? "") ||
    b.effectiveFrom.getTime() - a.effectiveFrom.getTime()
  );
}

/** GET /prices (unpriced models, then a page of the table) and POST /prices (an effective-dated manual row). */
export function pricesRouter(deps: PricesRouterDeps): Router {
  const { prisma, priceBook } = deps;
  const router = Router();

  router.get("/prices", async (req, res) => {
    const provider = typeof req.query.provider === "string" && req.query.provider ? req.query.provider : undefined;
    const paging = parseQuery(pricePageSchema, req.query);
    const [unpriced, prices] = await Promise.all([unpricedModels(prisma), listPrices(prisma, provider)]);
    const page = pagePrices(prices.sort(byProviderModelNewest), paging);
    res.json({
      unpriced,
      prices: page.rows.map(priceRowToJson),
      total: page.total,
      offset: page.offset,
      limit: page.limit,
      nextOffset: page.nextOffset,
    } satisfies PricesResponse);
  });

  router.post("/prices", async (req, res) => {
    const parsed = parseOr400(priceInputSchema, req.body ?? {});
    const row: PriceRow = { id: `manual:${randomUUID()}`, ...parsed, source: MANUAL_SOURCE };
    await insertPriceRow(prisma, row);
    // The proxy prices new calls with the reloaded book at once; other replicas pick it up on their reload.
    await priceBook.reload();
    res.status(201).json(priceRowToJson(row));
  });

  return router;
}
