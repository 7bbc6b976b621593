/**
 * `npm run bench [-- mode] [options]` — Tollgate's performance instrument. Modes:
 *   proxy   (default) direct / bare pass-through / Tollgate, JSON and SSE, c=1 and c=32, ratios
 *   ingest  the recorder and insertCalls driven directly: rows/s into Postgres by batch size
 *   reports reporting-API latency (p50/p95) over a seeded database
 *   soak    Tollgate's RSS and throughput over N minutes at c=32, with the RSS trend
 *   balancer three instances behind HAProxy (deploy/haproxy.cfg) against one instance alone
 *   delivery each dashboard page opened cold in headless Chromium: bytes, time to data, largest API answer
 * Prints one table per mode; it never passes or fails (the targets are printed next to the figures).
 */
import { parseArgs } from "node:util";
import { runBalancerBench } from "./balancer-mode.ts";
import { runDeliveryBench } from "./delivery-mode.ts";
import { runIngestBench } from "./ingest-mode.ts";
import { runProxyBench } from "./proxy-mode.ts";
import { runReportsBench } from "./reports-mode.ts";
import { runSoakBench } from "./soak-mode.ts";

const USAGE = `usage: npm run bench -- [proxy|ingest|reports|soak|balancer|delivery] [options]
  proxy:   --seconds N (c=32 run, default 10)  --c1-seconds N (default 5)  --warmup N (default 2)
           --probe N (sequential latency probes, default 1000)  --rounds N (interleaved rounds, default 3)  --only json|sse  --profile DIR (CPU profile of Tollgate)
           --env NAME=VALUE (an environment variable for the Tollgate process; repeatable)
           --baseline DIR (another checkout of Tollgate, e.g. before a change, measured in the same rounds)
  ingest:  --rows N (per run, default 100000)  --batch-sizes 500,1000,2000,5000 (insertCalls, one writer)
           --writers 1,3  --recorder-batch-sizes 1000,5000 (recorder runs with these too; TOLLGATE_RECORDER_* set the configured one)
           --rounds N (recorder runs interleaved, median reported; default 1)
  reports: --calls N (seeded when the database holds fewer, default 1000000)  --runs N (per endpoint, default 30)
           --database-url URL (an already seeded database, e.g. from npm run seed; kept)
           --replica-url URL (a streaming replica of it: each report also timed through TOLLGATE_REPORTS_DATABASE_URL)
  soak:    --minutes N (default 5)  --sample-seconds N (default 15)  --env NAME=VALUE
  balancer: --seconds N (per run, default 10)  --rounds N (interleaved, default 3); needs haproxy (Debian's package)
  delivery: --database-url URL (a seeded database, required)  --runs N (cold loads per page, default 3)  --only TEXT (pages whose name contains it)
           needs Debian's chromium (or CHROMIUM_PATH)
DATABASE_URL: the Postgres server to create the bench database on (unset: an embedded Postgres).`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: "string" },
    "c1-seconds": { type: "string" },
    warmup: { type: "string" },
    probe: { type: "string" },
    rounds: { type: "string" },
    only: { type: "string" },
    profile: { type: "string" },
    env: { type: "string", multiple: true },
    baseline: { type: "string" },
    rows: { type: "string" },
    "batch-sizes": { type: "string" },
    writers: { type: "string" },
    "recorder-batch-sizes": { type: "string" },
    calls: { type: "string" },
    runs: { type: "string" },
    "database-url": { type: "string" },
    "replica-url": { type: "string" },
    minutes: { type: "string" },
    "sample-seconds": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

function num(name: keyof typeof values, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`bench: --${name} must be a positive number (got "${String(raw)}")\n`);
    process.exit(2);
  }
  return n;
}

/** --env NAME=VALUE pairs, for the Tollgate process */
function tollgateEnv(): Record<string, string> {
  return Object.fromEntries(
    (values.env ?? []).map((pair) => {
      const at = pair.indexOf("=");
      if (at < 1) {
        process.stderr.write(`bench: --env takes NAME=VALUE (got "${pair}")\n`);
        process.exit(2);
      }
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

const mode = positionals[0] ?? "proxy";
if (values.help) {
  process.stdout.write(USAGE + "\n");
  process.exit(0);
}

const started = Date.now();
switch (mode) {
  case "proxy": {
    const only = values.only;
    if (only !== undefined && only !== "json" && only !== "sse") {
      process.stderr.write(`bench: --only must be json or sse\n`);
      process.exit(2);
    }
    await runProxyBench({
      seconds: num("seconds", 10),
      c1Seconds: num("c1-seconds", 5),
      warmupSeconds: num("warmup", 2),
      probeCount: num("probe", 1000),
      rounds: num("rounds", 3),
      workloads: only ? [only] : ["json", "sse"],
      profileDir: values.profile,
      baselineDir: values.baseline,
      tollgateEnv: tollgateEnv(),
    });
    break;
  }
  case "ingest":
    await runIngestBench({
      rows: num("rows", 100_000),
      batchSizes: (values["batch-sizes"] ?? "500,1000,2000,5000")
        .split(",")
        .map((s) => Number(s))
        .filter((n) => n > 0),
      writers: (values.writers ?? "1")
        .split(",")
        .map((s) => Number(s))
        .filter((n) => Number.isInteger(n) && n > 0),
      recorderBatchSizes: (values["recorder-batch-sizes"] ?? "")
        .split(",")
        .map((s) => Number(s))
        .filter((n) => Number.isInteger(n) && n > 0),
      rounds: num("rounds", 1),
    });
    break;
  case "reports":
    await runReportsBench({
      calls: num("calls", 1_000_000),
      runs: num("runs", 30),
      databaseUrl: values["database-url"],
      replicaUrl: values["replica-url"],
    });
    break;
  case "soak":
    await runSoakBench({ minutes: num("minutes", 5), sampleSeconds: num("sample-seconds", 15), tollgateEnv: tollgateEnv() });
    break;
  case "delivery": {
    const url = values["database-url"];
    if (!url) {
      process.stderr.write("bench: delivery needs --database-url (a database seeded with npm run seed)\n");
      process.exit(2);
    }
    await runDeliveryBench({ databaseUrl: url, runs: num("runs", 3), only: values.only });
    break;
  }
  case "balancer":
    await runBalancerBench({ seconds: num("seconds", 10), rounds: num("rounds", 3) });
    break;
  default:
    process.stderr.write(`bench: unknown mode "${mode}"\n${USAGE}\n`);
    process.exit(2);
}
process.stdout.write(
  `\n(${mode} bench took ${((Date.now() - started) / 1000).toFixed(0)} s; machine: ${(await import("node:os")).cpus().length} CPUs, Node ${process.version})\n`,
);
