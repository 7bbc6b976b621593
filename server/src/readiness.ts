import { constants } from "node:fs";
import { access } from "node:fs/promises";
import type { RequestHandler } from "express";
import type { PrismaClient } from "./db/client.ts";

/** What /readyz reports. */
export interface ReadinessJson {
  /** `ready`: send traffic here; `draining`: shutting down; `not_ready`: calls would be served but their records lost */
  status: "ready" | "draining" | "not_ready";
  /** whether Postgres answered just now; informative — the proxy serves without it (records are spooled) */
  database: "up" | "down";
  /** whether the spool can take records: `ok`, `full` (TOLLGATE_SPOOL_MAX_BYTES reached) or `unwritable` */
  spool: "ok" | "full" | "unwritable";
  /** records waiting in the spool for Postgres */
  spooledRecords: number;
  /** why status is not `ready` */
  reason?: string;
}

export interface ReadinessSources {
  prisma: PrismaClient;
  /** true from the moment shutdown starts (SIGTERM) */
  draining(): boolean;
  spool: { readonly dir: string; records(): number; full(): boolean };
  /** how long the database probe may take before Postgres counts as down */
  probeTimeoutMs?: number;
}

/**
 * Readiness = this replica can serve proxy traffic. Postgres is not required for that: while it is down the
 * proxy keeps forwarding and the recorder writes to the local spool, replayed when Postgres returns. Failing
 * readiness on the database would make a load balancer pull every replica at once during a database blip,
 * turning a metering delay into a traffic outage. So /readyz answers 503 only when
 *   - the replica is draining (shutdown started: the balancer must stop sending it calls), or
 *   - Postgres is down AND the spool cannot take records (full or not writable): calls served here would be
 *     lost to metering, while a replica with a working spool loses nothing.
 * The database state is reported in the body either way. Liveness (the process runs) is /healthz.
 */
export function readinessHandler(sources: ReadinessSources): RequestHandler {
  const timeoutMs = sources.probeTimeoutMs ?? 2_000;
  // One probe at a time, shared by concurrent checks (the route needs no authentication).
  let probing: Promise<boolean> | undefined;
  const probe = (): Promise<boolean> =>
    (probing ??= new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      sources.prisma.$queryRaw`SELECT 1`
        .then(
          () => resolve(true),
          () => resolve(false),
        )
        .finally(() => clearTimeout(timer));
    }).finally(() => (probing = undefined)));

  const spoolState = async (): Promise<ReadinessJson["spool"]> => {
    if (sources.spool.full()) return "full";
    try {
      await access(sources.spool.dir, constants.W_OK);
      return "ok";
    } catch {
      return "unwritable";
    }
  };

  return async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    const [databaseUp, spool] = await Promise.all([probe(), spoolState()]);
    const body: ReadinessJson = {
      status: "ready",
      database: databaseUp ? "up" : "down",
      spool,
      spooledRecords: sources.spool.records(),
    };
    if (sources.draining()) {
      body.status = "draining";
      body.reason = "shutting down: calls in flight finish, new calls belong to another replica";
    } else if (!databaseUp && spool !== "ok") {
      body.status = "not_ready";
      body.reason = `Postgres is unreachable and the spool is ${spool}: call records would be lost`;
    }
    res.status(body.status === "ready" ? 200 : 503).json(body);
  };
}
