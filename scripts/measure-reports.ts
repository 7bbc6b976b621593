/**
 * `npx tsx scripts/measure-reports.ts --database-url URL [--days 30] [--runs 5]`: times the reports over
 * a seeded database (see `npm run seed`), each read from rollups (as served) and from raw calls alone, and
 * checks the two agree on counts and money. Prints a markdown table for docs/performance.md.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "../server/src/cli/args.ts";
import { createDatabase, type PrismaClient } from "../server/src/db/client.ts";
import { failuresReport } from "../server/src/reports/failures.ts";
import { latencyReport } from "../server/src/reports/latency.ts";
import type { SourceChoice } from "../server/src/reports/report-source.ts";
import { spendReport } from "../server/src/reports/spend.ts";

type ReportFn = (
  db: PrismaClient,
  query: unknown,
  options: { source?: SourceChoice },
) => Promise<{ totals: unknown; groups: unknown[]; series: unknown[] }>;

const REPORTS: Array<[string, ReportFn]> = [
  ["spend", spendReport],
  ["failures", failuresReport],
  ["latency", latencyReport],
];

async function median(runs: number, f: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const url = args.flags["database-url"];
  if (typeof url !== "string") throw new Error("--database-url is required");
  const days = Number(args.flags.days ?? 30);
  const runs = Number(args.flags.runs ?? 5);
  const db = createDatabase(url, { max: 4 });
  const pool = db.pool;
  const { rows } = await pool.query<{ calls: string; rollups: string; max: Date }>(
    "SELECT (SELECT count(*) FROM calls) AS calls, (SELECT count(*) FROM call_rollups_hourly) AS rollups, (SELECT max(started_at) FROM calls) AS max",
  );
  const info = rows[0]!;
  const to = new Date(info.max.getTime() + 1);
  const from = new Date(to.getTime() - days * 86_400_000);
  console.log(
    `${Number(info.calls).toLocaleString("en-US")} calls, ${Number(info.rollups).toLocaleString("en-US")} rollup rows; range ${from.toISOString()} – ${to.toISOString()}; median of ${runs}\n`,
  );
  console.log("| report | groupBy | interval | served (ms) | raw calls only (ms) | agree |");
  console.log("|---|---|---|---|---|---|");
  for (const [name, report] of REPORTS) {
    for (const [groupBy, interval] of [
      ["provider", "day"],
      ["app", "day"],
      ["model", "hour"],
      ["user", "day"],
    ] as const) {
      const query = { from: from.toISOString(), to: to.toISOString(), groupBy, interval };
      const served = await report(db.prisma, query, {});
      const raw = await report(db.prisma, query, { source: "raw" });
      // Latency percentiles differ by design (histogram vs exact); counts and money must not.
      const comparable = (r: { totals: unknown; groups: unknown[] }) =>
        name === "latency"
          ? JSON.stringify((r.groups as Array<{ key: string; calls: number }>).map((g) => [g.key, g.calls]))
          : JSON.stringify([r.totals, r.groups]);
      const agree = comparable(served) === comparable(raw);
      const tServed = await median(runs, () => report(db.prisma, query, {}));
      const tRaw = groupBy === "user" ? tServed : await median(runs, () => report(db.prisma, query, { source: "raw" }));
      console.log(
        `| ${name} | ${groupBy} | ${interval} | ${tServed.toFixed(0)} | ${groupBy === "user" ? "(same: user reads calls)" : tRaw.toFixed(0)} | ${agree ? "yes" : "NO"} |`,
      );
    }
  }
  await db.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
