/**
 * `npm run bench -- reports`: reporting-API latency over a seeded database. With `--database-url` it uses a
 * database seeded beforehand (`npm run seed`); otherwise it creates one and seeds `--calls` calls over the
 * last 30 days with the same seeder (scripts/seed.ts: priced synthetic traffic through the recorder's own
 * insertCalls, so the rollups are filled as in production).
 */
import pg from "pg";
import { seed } from "../scripts/seed.ts";
import { startChild, type BenchChild } from "./child-ipc.ts";
import { createBenchDatabase, existingDatabase, type BenchDatabase } from "./database.ts";
import { percentile } from "./load.ts";
import { printTable } from "./table.ts";

export interface ReportsOptions {
  calls: number;
  runs: number;
  databaseUrl: string | undefined;
  /** a streaming replica of databaseUrl: reports are timed through TOLLGATE_REPORTS_DATABASE_URL too */
  replicaUrl?: string;
}

const DAY = 86_400_000;

/** Seeds the missing calls of the last 30 days with the project's seeder (scripts/seed.ts, `npm run seed`). */
async function seedMissing(url: string, wanted: number): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  let have = 0;
  try {
    const { rows } = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM calls WHERE started_at >= $1", [
      new Date(Date.now() - 30 * DAY),
    ]);
    have = Number(rows[0]?.n ?? 0);
  } finally {
    await pool.end();
  }
  if (have >= wanted) return;
  process.stdout.write(`  seeding ${(wanted - have).toLocaleString("en-US")} calls over 30 days (scripts/seed.ts)…\n`);
  const result = await seed({ databaseUrl: url, calls: wanted - have, days: 30, batch: 10_000, workers: 3, seed: 1 });
  process.stdout.write(
    `  seeded in ${result.seconds.toFixed(0)} s (${Math.round(result.rowsPerSecond).toLocaleString("en-US")} calls/s)\n`,
  );
}

async function timed(url: string): Promise<{ ms: number; status: number; body: unknown }> {
  const t = performance.now();
  const res = await fetch(url);
  const body: unknown = await res.json().catch(() => null);
  return { ms: performance.now() - t, status: res.status, body };
}

async function untilReplica(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = (await (await fetch(`${url}/api/reports/source`)).json()) as { source: string; error?: string };
    if (state.source === "replica") return;
    if (Date.now() > deadline) throw new Error(`the replica never answered: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function runReportsBench(o: ReportsOptions): Promise<void> {
  const db: BenchDatabase = o.databaseUrl ? await existingDatabase(o.databaseUrl) : await createBenchDatabase();
  // One Tollgate reading the primary; with --replica-url a second one reading the replica
  // (TOLLGATE_REPORTS_DATABASE_URL), the two measured in alternation so the machine's load hits both alike.
  const instances: Array<{ name: string; child: BenchChild }> = [];
  try {
    if (!o.databaseUrl) await seedMissing(db.url, o.calls);
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const { rows } = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM calls");
    await pool.end();
    instances.push({
      name: "primary",
      child: await startChild("./child-tollgate.mjs", { BENCH_UPSTREAM: "http://127.0.0.1:9", DATABASE_URL: db.url }),
    });
    if (o.replicaUrl) {
      const child = await startChild("./child-tollgate.mjs", {
        BENCH_UPSTREAM: "http://127.0.0.1:9",
        DATABASE_URL: db.url,
        TOLLGATE_REPORTS_DATABASE_URL: o.replicaUrl,
      });
      instances.push({ name: "replica", child });
      await untilReplica(child.url);
    }
    const to = new Date();
    const from = new Date(to.getTime() - 30 * DAY);
    const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
    const endpoints: [string, string, number][] = [];
    for (const report of ["spend", "failures", "latency"]) {
      for (const groupBy of ["app", "provider"])
        endpoints.push([`/api/${report} 30 d by ${groupBy} per day`, `/api/${report}?${range}&groupBy=${groupBy}&interval=day`, 300]);
    }
    // Groupings the call rollups do not carry: by user (the Spend page asks for top=50 and the previous
    // period), by a request property (the seed writes `feature`), a property filter; the daily rollups per
    // user and per property serve their whole days.
    const spend = (q: string) => `/api/spend?${range}&interval=day&${q}`;
    endpoints.push([`/api/spend 30 d by user (top 50, compare)`, spend("groupBy=user&top=50&compare=previous"), 1000]);
    endpoints.push([`/api/spend 30 d by user, app`, spend("groupBy=user,app"), 1000]);
    endpoints.push([`/api/spend 30 d by property:feature`, spend("groupBy=property:feature"), 300]);
    endpoints.push([`/api/spend 30 d by property:feature, model`, spend("groupBy=property:feature,model"), 300]);
    endpoints.push([`/api/spend 30 d by model, property.feature=chat`, spend("groupBy=model&property.feature=chat"), 300]);
    // The reconciliation page's two requests (whole UTC days), over its default 24 h and over 30 days.
    const days = (ms: number) => {
      const d = (t: number) => new Date(Math.floor(t / DAY) * DAY).toISOString().slice(0, 10);
      return `from=${d(to.getTime() - ms)}&to=${d(to.getTime() + DAY)}`;
    };
    for (const [label, ms] of [
      ["24 h", DAY],
      ["30 d", 30 * DAY],
    ] as const) {
      for (const groupBy of ["day", "model"])
        endpoints.push([`/api/reconciliation ${label} by ${groupBy}`, `/api/reconciliation?${days(ms)}&groupBy=${groupBy}`, 300]);
    }
    endpoints.push([`/api/calls first page (100)`, `/api/calls?${range}&limit=100`, 100]);
    if (o.replicaUrl) endpoints.push([`/api/sessions first page (50)`, `/api/sessions?${range}`, 300]);
    process.stdout.write(
      `reports bench: ${Number(rows[0]?.n).toLocaleString("en-US")} calls in ${db.where}; ${o.runs} sequential runs per endpoint` +
        `${o.replicaUrl ? " and source (primary, then replica, alternating)" : ""}\n`,
    );

    const table: (string | number)[][] = [];
    const measure = async (name: string, path: (base: string) => Promise<string> | string, target: number) => {
      const times = instances.map(() => [] as number[]);
      const statuses = instances.map(() => 0);
      const sources = instances.map(() => "");
      for (const it of instances) await timed(it.child.url + (await path(it.child.url))); // warms caches and plans
      for (let i = 0; i < o.runs; i++) {
        for (const [k, it] of instances.entries()) {
          const url = it.child.url + (await path(it.child.url));
          const t = performance.now();
          const res = await fetch(url);
          await res.arrayBuffer();
          times[k]?.push(performance.now() - t);
          statuses[k] = res.status;
          sources[k] = res.headers.get("x-tollgate-reports-source") ?? "primary";
        }
      }
      for (const [k, it] of instances.entries()) {
        const status = statuses[k] === 200 ? "200" : `${statuses[k]} (not served)`;
        const row: (string | number)[] = [name, status, percentile(times[k] ?? [], 50), percentile(times[k] ?? [], 95), target];
        if (o.replicaUrl) row.splice(1, 0, `${it.name} (${sources[k]})`);
        table.push(row);
      }
    };
    for (const [name, path, target] of endpoints) await measure(name, () => path, target);
    // A deep page: follow the keyset cursor 20 pages in, then time the next page.
    const deepCursor = new Map<string, string | null>();
    const deep = async (base: string): Promise<string> => {
      if (!deepCursor.has(base)) {
        let cursor: string | null = null;
        for (let i = 0; i < 20; i++) {
          const r = await timed(`${base}/api/calls?${range}&limit=100${cursor ? `&cursor=${cursor}` : ""}`);
          cursor = (r.body as { nextCursor?: string | null } | null)?.nextCursor ?? null;
          if (!cursor) break;
        }
        deepCursor.set(base, cursor);
      }
      return `/api/calls?${range}&limit=100&cursor=${deepCursor.get(base) ?? ""}`;
    };
    await measure(`/api/calls page 21 (keyset cursor)`, deep, 100);
    const header = ["request", "status", "p50 ms", "p95 ms", "target p95 ms"];
    if (o.replicaUrl) header.splice(1, 0, "read by (source header)");
    printTable(`reports — API latency over the seeded database${o.replicaUrl ? ", primary vs streaming replica" : ""}`, header, table);
  } finally {
    for (const it of instances) await it.child.stop().catch(() => {});
    await db.close();
  }
}
