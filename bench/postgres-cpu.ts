/**
 * CPU time the Postgres server spends on one database, read from /proc for every backend connected to it.
 * Recording is not free: each call is a row (and a rollup update) that Postgres must write, and on one
 * machine that CPU competes with the proxy's. Only possible when Postgres runs on this host and /proc is
 * readable; otherwise null, and the bench says so.
 */
import { readFileSync } from "node:fs";
import pg from "pg";

const TICK_MICROS = 10_000; // USER_HZ is 100 on Linux

function procCpuMicros(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the parenthesised command name: state is field 3, utime 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
  } catch {
    return null;
  }
}

export type CpuSample = Map<number, number>;

export interface PostgresCpu {
  /** CPU so far of each backend connected to the database, or null when it cannot be read */
  sample(): Promise<CpuSample | null>;
  close(): Promise<void>;
}

/** CPU spent between two samples; a backend that appeared in between counts whole. */
export function cpuBetween(before: CpuSample | null, after: CpuSample | null): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, micros] of after) total += micros - (before.get(pid) ?? 0);
  return total;
}

export async function postgresCpu(databaseUrl: string): Promise<PostgresCpu> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const local = ["127.0.0.1", "localhost", "::1", "[::1]"].includes(new URL(databaseUrl).hostname);
  return {
    async sample() {
      if (!local) return null;
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      const sample: CpuSample = new Map();
      for (const { pid } of rows) {
        const cpu = procCpuMicros(pid);
        if (cpu === null) return null;
        sample.set(pid, cpu);
      }
      return sample;
    },
    close: () => client.end(),
  };
}
