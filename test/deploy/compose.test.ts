import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeFile, readRepoFile, ROOT } from "./deploy-files.ts";

/** Environment variables Tollgate reads (PORT, HOST, DATABASE_URL, provider keys and TOLLGATE_*). */
const TOLLGATE_ENV = /^(PORT|HOST|DATABASE_URL|(OPENAI|ANTHROPIC|GEMINI|MISTRAL)_API_KEY|(OPENAI|ANTHROPIC)_ADMIN_KEY|TOLLGATE_[A-Z0-9_]+)$/;

describe("docker-compose.yml", () => {
  const compose = composeFile();

  it("defines the four services, the scaled profile's four, and their named volumes", () => {
    const byProfile = (scaled: boolean) => Object.entries(compose.services).filter(([, s]) => (s.profiles ?? []).includes("scaled") === scaled).map(([name]) => name).sort();
    expect(byProfile(false)).toEqual(["grafana", "postgres", "prometheus", "tollgate"]);
    expect(byProfile(true)).toEqual(["haproxy", "pgbouncer", "tollgate-2", "tollgate-3"]);
    expect(Object.keys(compose.volumes).sort()).toEqual(["grafana-data", "postgres-data", "prometheus-data", "tollgate-2-spool", "tollgate-3-spool", "tollgate-spool"]);
    const used = Object.values(compose.services).flatMap((s) => (s.volumes ?? []).map((v) => v.split(":")[0]!));
    for (const name of Object.keys(compose.volumes)) expect(used, name).toContain(name);
  });

  it("gives Postgres and Tollgate health checks, and starts Tollgate only once Postgres is healthy", () => {
    const { postgres, tollgate } = compose.services;
    expect(String(postgres!.healthcheck?.test)).toMatch(/pg_isready/);
    expect(postgres!.volumes).toContain("postgres-data:/var/lib/postgresql/data");
    expect(JSON.stringify(tollgate!.healthcheck?.test)).toMatch(/\/readyz/);
    expect(tollgate!.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(tollgate!.build).toBe(".");
  });

  it("configures Tollgate with the documented variables and no default admin token", () => {
    const env = compose.services.tollgate!.environment!;
    for (const name of Object.keys(env)) expect(name).toMatch(TOLLGATE_ENV);
    expect(env.DATABASE_URL).toMatch(/^postgresql:\/\/tollgate:.*@postgres:5432\/tollgate$/);
    expect(env.HOST).toBe("0.0.0.0");
    expect(String(env.TOLLGATE_ADMIN_TOKEN)).toMatch(/^\$\{TOLLGATE_ADMIN_TOKEN:\?.+\}$/);
    expect(String(env.TOLLGATE_METRICS_TOKEN)).toMatch(/^\$\{TOLLGATE_METRICS_TOKEN:\?.+\}$/);
    expect(env.OPENAI_API_KEY).toBeNull(); // passed through only when set
  });

  it("points Prometheus at Tollgate with the metrics token secret and mounts files that exist", () => {
    const prometheus = compose.services.prometheus!;
    expect(prometheus.volumes).toContain("./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    expect(prometheus.volumes).toContain("./deploy/alerts.yml:/etc/prometheus/alerts.yml:ro");
    expect(compose.secrets?.tollgate_metrics_token).toEqual({ environment: "TOLLGATE_METRICS_TOKEN" });
    expect(prometheus.secrets).toContain("tollgate_metrics_token");

    const config = parse(readRepoFile("deploy/prometheus.yml")) as {
      rule_files: string[];
      scrape_configs: { job_name: string; metrics_path?: string; authorization?: { credentials_file: string }; static_configs: { targets: string[] }[] }[];
    };
    const job = config.scrape_configs.find((j) => j.job_name === "tollgate")!;
    expect(job.static_configs[0]!.targets).toEqual(["tollgate:8655"]);
    expect(job.metrics_path).toBe("/metrics");
    expect(job.authorization?.credentials_file).toBe("/run/secrets/tollgate_metrics_token");
    expect(config.rule_files).toEqual(["alerts.yml"]);

    for (const service of Object.values(compose.services)) {
      for (const mount of service.volumes ?? []) {
        const host = mount.split(":")[0]!;
        if (host.startsWith("./")) expect(existsSync(ROOT + host.slice(2)), host).toBe(true);
      }
    }
  });

  it("runs the scaled profile with the shipped balancer and pooler files, the extra instances through PgBouncer", () => {
    const { haproxy, pgbouncer } = compose.services;
    expect(haproxy!.volumes).toContain("./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
    expect(pgbouncer!.volumes).toContain("./deploy/pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro");
    expect(haproxy!.environment).toMatchObject({ TOLLGATE_1: "tollgate:8655", TOLLGATE_2: "tollgate-2:8655", TOLLGATE_3: "tollgate-3:8655" });
    for (const name of ["tollgate-2", "tollgate-3"]) {
      const env = compose.services[name]!.environment!;
      for (const key of Object.keys(env)) expect(key).toMatch(TOLLGATE_ENV);
      expect(env.DATABASE_URL).toMatch(/@pgbouncer:6432\/tollgate$/);
      expect(env.TOLLGATE_MIGRATION_DATABASE_URL).toMatch(/@postgres:5432\/tollgate$/);
      expect(Number(env.TOLLGATE_SHUTDOWN_DELAY_MS)).toBeGreaterThan(Number(haproxy!.environment!.HAPROXY_CHECK_MS));
    }
  });

  it("publishes Prometheus and Grafana on loopback only", () => {
    expect(compose.services.prometheus!.ports).toEqual(["127.0.0.1:9090:9090"]);
    expect(compose.services.grafana!.ports).toEqual(["127.0.0.1:3000:3000"]);
  });
});

describe("Dockerfile", () => {
  const dockerfile = readRepoFile("Dockerfile");
  const instructions = dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .filter((l) => l.trim() && !l.trimStart().startsWith("#"));

  it("builds in one stage and runs slim, non-root, with production dependencies only", () => {
    const froms = instructions.filter((l) => l.startsWith("FROM "));
    expect(froms).toHaveLength(2);
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:20-slim/);
    const runtime = dockerfile.slice(dockerfile.indexOf("AS runtime"));
    expect(runtime).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist\/server/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dashboard\/dist/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/HEALTHCHECK .*\/readyz/s);
    expect(runtime).toMatch(/CMD \["node", "--enable-source-maps", "dist\/server\/main\.mjs"\]/);
    const build = dockerfile.slice(0, dockerfile.indexOf("AS runtime"));
    expect(build).toMatch(/RUN npm ci --ignore-scripts\n/);
    expect(build).toMatch(/node scripts\/prisma-generate\.mjs && npm run build/);
  });

  it("copies only paths that exist in the repository", () => {
    for (const line of instructions.filter((l) => l.startsWith("COPY ") && !l.includes("--from="))) {
      const parts = line.split(/\s+/).slice(1, -1);
      for (const source of parts) if (source !== ".") expect(existsSync(ROOT + source), line).toBe(true);
    }
  });

  it("keeps local state, secrets and installed modules out of the build context", () => {
    const ignored = readRepoFile(".dockerignore").split("\n").map((l) => l.trim());
    for (const entry of ["node_modules", ".git", ".env", ".tollgate", "server/src/generated", "dashboard/dist", "dist"]) {
      expect(ignored, entry).toContain(entry);
    }
    // …but not what the build needs
    for (const needed of ["server", "prisma", "dashboard", "scripts", "package.json", "package-lock.json"]) {
      expect(ignored, needed).not.toContain(needed);
    }
  });
});
