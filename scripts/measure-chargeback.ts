/**
 * `npx tsx scripts/measure-chargeback.ts --database-url URL [--days 30] [--runs 3]`: times spend reports
 * grouped by rollup dimensions and by request properties (which read raw calls), and monthly statements,
 * over a seeded database (`npm run seed`). Prints a markdown table for docs/performance.md.
 */
import { parseArgs } from "../server/src/cli/args.ts";
import { createDatabase } from "../server/src/db/client.ts";
import { spendReport } from "../server/src/reports/spend.ts";
import { monthStatement } from "../server/src/reports/statement.ts";

async function median(runs: number, f: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

const args = parseArgs(process.argv.slice(2));
const url = args.flags["database-url"];
if (typeof url !== "string") throw new Error("--database-url is required");
const days = Number(args.flags.days ?? 30);
const runs = Number(args.flags.runs ?? 3);
const db = createDatabase(url, { max: 4 });
const pool = db.pool;
const { rows } = await pool.query<{ max: Date; n: string }>("SELECT max(started_at) AS max, count(*)::text AS n FROM calls");
const to = new Date(Math.floor(rows[0]!.max.getTime() / 86_400_000) * 86_400_000);
const from = new Date(to.getTime() - days * 86_400_000);
const range = { from: from.toISOString(), to: to.toISOString() };
const month = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
const { rows: apps } = await pool.query<{ app: string }>(
  "SELECT app FROM call_rollups_daily GROUP BY app ORDER BY sum(calls) DESC LIMIT 1",
);
const cases: Array<[string, () => Promise<unknown>]> = [
  ["spend groupBy=app,model (rollups)", () => spendReport(db.prisma, { ...range, groupBy: "app,model" })],
  ["spend groupBy=app compare=previous (rollups)", () => spendReport(db.prisma, { ...range, groupBy: "app", compare: "previous" })],
  ["spend groupBy=property:feature (raw)", () => spendReport(db.prisma, { ...range, groupBy: "property:feature" })],
  ["spend groupBy=property:feature,model (raw)", () => spendReport(db.prisma, { ...range, groupBy: "property:feature,model" })],
  [
    "spend groupBy=model property.feature=chat (raw)",
    () => spendReport(db.prisma, { ...range, groupBy: "model", "property.feature": "chat" }),
  ],
  [`statement ${month} app=${apps[0]?.app}`, () => monthStatement(db.prisma, month, { app: apps[0]?.app })],
  [`statement ${month} property feature=chat`, () => monthStatement(db.prisma, month, { property: { name: "feature", value: "chat" } })],
];
console.log(`${Number(rows[0]!.n).toLocaleString("en-US")} calls; ${days} days to ${range.to}; median of ${runs}`);
console.log("| report | ms |\n|---|---:|");
for (const [name, f] of cases) console.log(`| ${name} | ${(await median(runs, f)).toFixed(0)} |`);
await db.close();
