import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The real components the scale-out tests run: HAProxy and PgBouncer from Debian's packages, started from
 * the configuration files shipped under deploy/. CI installs both (.ci/run); on a machine without them the
 * tests say so and are skipped, unless REQUIRE_SCALE_ENGINES is set (CI sets it), where they fail.
 */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export function hasBinary(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
}

export const engines = { haproxy: hasBinary("haproxy"), pgbouncer: hasBinary("pgbouncer") };
if (process.env.REQUIRE_SCALE_ENGINES && (!engines.haproxy || !engines.pgbouncer)) {
  throw new Error(`REQUIRE_SCALE_ENGINES is set but haproxy=${engines.haproxy} pgbouncer=${engines.pgbouncer}`);
}

export interface Engine {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function run(command: string, args: string[], env: Record<string, string>): Engine {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** deploy/haproxy.cfg in front of the given instance ports (exactly three, as the file names them). */
export interface Haproxy extends Engine {
  /** the status HAProxy's health checks give each instance (tollgate-1…3 → "UP", "DOWN", …) */
  serverStatus(): Promise<Record<string, string>>;
}

export async function startHaproxy(port: number, statsPort: number, instancePorts: number[], checkMs = 200): Promise<Haproxy> {
  const env: Record<string, string> = {
    HAPROXY_BIND: `127.0.0.1:${port}`,
    HAPROXY_STATS_BIND: `127.0.0.1:${statsPort}`,
    HAPROXY_CHECK_MS: String(checkMs),
  };
  instancePorts.forEach((p, i) => (env[`TOLLGATE_${i + 1}`] = `127.0.0.1:${p}`));
  const haproxy = run("haproxy", ["-db", "-f", join(ROOT, "deploy", "haproxy.cfg")], env);
  await waitForPort(port);
  return {
    ...haproxy,
    async serverStatus() {
      const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
      const [header = "", ...rows] = csv.replace(/^# /, "").trim().split("\n");
      const columns = header.split(",");
      const at = (row: string[], name: string) => row[columns.indexOf(name)] ?? "";
      const status: Record<string, string> = {};
      for (const row of rows.map((r) => r.split(",")))
        if (at(row, "pxname") === "tollgates" && at(row, "svname").startsWith("tollgate-")) status[at(row, "svname")] = at(row, "status");
      return status;
    },
  };
}

/**
 * deploy/pgbouncer.ini (transaction pooling) in front of a Postgres, with the test's database, listen address
 * and trust authentication added after the file's own settings. PgBouncer refuses to run as root: as root it drops to `postgres`.
 */
export async function startPgbouncer(
  port: number,
  upstream: { host: string; port: number; database: string; user?: string; password?: string },
  poolSize = 20,
): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-pgbouncer-"));
  const isRoot = process.getuid?.() === 0;
  if (isRoot) chmodSync(dir, 0o777);
  const ini = join(dir, "pgbouncer.ini");
  // The shipped file's settings, with the test's database, addresses and trust authentication put over them
  // (PgBouncer resets a section that appears twice, so the two are merged here rather than appended).
  const settings = readIni(readFileSync(join(ROOT, "deploy", "pgbouncer.ini"), "utf8"));
  const credentials = (upstream.user ? ` user=${upstream.user}` : "") + (upstream.password ? ` password=${upstream.password}` : "");
  settings.databases = { [upstream.database]: `host=${upstream.host} port=${upstream.port} dbname=${upstream.database}${credentials}` };
  Object.assign(settings.pgbouncer ?? (settings.pgbouncer = {}), {
    auth_type: "trust",
    admin_users: "postgres",
    listen_addr: "127.0.0.1",
    listen_port: String(port),
    unix_socket_dir: dir,
    auth_file: join(dir, "userlist.txt"),
    default_pool_size: String(poolSize),
    logfile: join(dir, "pgbouncer.log"),
  });
  writeFileSync(
    ini,
    Object.entries(settings)
      .map(
        ([section, values]) =>
          `[${section}]\n${Object.entries(values)
            .map(([k, v]) => `${k} = ${v}`)
            .join("\n")}\n`,
      )
      .join("\n"),
  );
  writeFileSync(join(dir, "userlist.txt"), '"postgres" ""\n');
  const args = isRoot ? ["-u", "postgres", ini] : [ini];
  const bouncer = run("pgbouncer", args, {});
  await waitForPort(port);
  return bouncer;
}

function readIni(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/[;#].*$/, "").trim();
    const header = /^\[(\w+)\]$/.exec(line);
    if (header?.[1]) current = sections[header[1]] ??= {};
    else if (current && line.includes("=")) current[line.slice(0, line.indexOf("=")).trim()] = line.slice(line.indexOf("=") + 1).trim();
  }
  return sections;
}
