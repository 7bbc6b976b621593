/**
 * `npm run seed -- --calls N [--days 30] [--database-url URL] [--batch 10000] [--workers 3] [--seed 1]`
 *
 * Fills a database with realistic synthetic traffic (scripts/synthetic-traffic.ts) ending now, priced with
 * the real price table and written through the recorder's own `insertCalls` (so the hourly rollups are
 * filled exactly as in production). The range is cut into time slices of one batch each; a few slices are
 * in flight at once so generating calls in Node overlaps with Postgres writing them.
 */
import { pathToFileURL } from "node:url";
import { parseArgs, type ParsedArgs } from "../server/src/cli/args.ts";
import { loadConfig } from "../server/src/config.ts";
import { createDatabase } from "../server/src/db/client.ts";
import { migrate } from "../server/src/db/migrate.ts";
import { insertCalls } from "../server/src/recording/call-writer.ts";
import { priceCall } from "../server/src/pricing/cost.ts";
import { PriceBook } from "../server/src/pricing/price-book.ts";
import { seedPrices } from "../server/src/pricing/price-seed.ts";
import { SyntheticTraffic } from "./synthetic-traffic.ts";

export interface SeedOptions {
  databaseUrl: string;
  calls: number;
  days: number;
  batch: number;
  workers: number;
  seed: number;
  /** end of the seeded range (default now) */
  endMs?: number;
  log?: (line: string) => void;
}

export interface SeedResult {
  inserted: number;
  seconds: number;
  rowsPerSecond: number;
  rollupRows: number;
}

export async function seed(o: SeedOptions): Promise<SeedResult> {
  const log = o.log ?? (() => {});
  const config = loadConfig({ DATABASE_URL: o.databaseUrl, TOLLGATE_LOG_LEVEL: "silent" });
  const db = createDatabase(o.databaseUrl, { max: o.workers + 1 });
  try {
    await migrate(db.pool);
    await seedPrices(db.pool, config.extraPrices);
    const book = await PriceBook.load(db.prisma);
    const priceProvider = (p: string) => config.providers.get(p)?.priceProvider ?? p;
    const price = (args: Parameters<typeof priceCall>[1]) => priceCall(book, { ...args, provider: priceProvider(args.provider) });

    const endMs = o.endMs ?? Date.now();
    const fromMs = endMs - o.days * 86_400_000;
    const slices = Math.max(1, Math.ceil(o.calls / o.batch));
    const sliceMs = (endMs - fromMs) / slices;
    let next = 0;
    let inserted = 0;
    let reported = 0;
    const started = performance.now();

    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= slices) return;
        const count = Math.min(o.batch, o.calls - i * o.batch);
        // One generator per slice: the data depend on the seed, not on which worker ran the slice.
        const traffic = new SyntheticTraffic(o.seed * 1_000_003 + i, price);
        const records = traffic.calls(count, Math.floor(fromMs + i * sliceMs), Math.floor(fromMs + (i + 1) * sliceMs));
        const written = await insertCalls(db.pool, records);
        inserted += written;
        if (inserted - reported >= 100_000 || inserted === o.calls) {
          reported = inserted;
          const s = (performance.now() - started) / 1000;
          log(`${inserted.toLocaleString("en-US")} calls, ${Math.round(inserted / s).toLocaleString("en-US")} rows/s`);
        }
      }
    };
    await Promise.all(Array.from({ length: o.workers }, worker));
    const seconds = (performance.now() - started) / 1000;
    await db.pool.query("ANALYZE calls");
    await db.pool.query("ANALYZE call_rollups_hourly");
    await db.pool.query("ANALYZE call_rollups_daily");
    for (const table of ["call_latency_hourly", "call_latency_daily", "call_errors_hourly", "call_errors_daily"])
      await db.pool.query(`ANALYZE ${table}`);
    const { rows } = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM call_rollups_hourly");
    return { inserted, seconds, rowsPerSecond: inserted / seconds, rollupRows: Number(rows[0]?.n ?? 0) };
  } finally {
    await db.close();
  }
}

function positiveInt(args: ParsedArgs, name: string, fallback: number): number {
  const v = args.flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v === true || !Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv);
  try {
    const url = typeof args.flags["database-url"] === "string" ? args.flags["database-url"] : loadConfig(env).databaseUrl;
    if (!url) throw new Error("no database: pass --database-url or set DATABASE_URL");
    const options: SeedOptions = {
      databaseUrl: url,
      calls: positiveInt(args, "calls", 100_000),
      days: positiveInt(args, "days", 30),
      batch: positiveInt(args, "batch", 10_000),
      workers: positiveInt(args, "workers", 3),
      seed: positiveInt(args, "seed", 1),
      log: (line) => console.log(line),
    };
    console.log(`seeding ${options.calls.toLocaleString("en-US")} calls over ${options.days} days into ${new URL(url).pathname.slice(1)}`);
    const r = await seed(options);
    console.log(
      `done: ${r.inserted.toLocaleString("en-US")} calls in ${r.seconds.toFixed(1)} s (${Math.round(r.rowsPerSecond).toLocaleString("en-US")} rows/s), ${r.rollupRows.toLocaleString("en-US")} rollup rows`,
    );
    return 0;
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2), { ...process.env });
}
