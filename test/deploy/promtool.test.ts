import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { dashboardExpressions, ROOT } from "./deploy-files.ts";
import { expandGrafanaVariables } from "./promql.ts";

const promtool = spawnSync("promtool", ["--version"], { encoding: "utf8" });
const havePromtool = promtool.status === 0;
if (!havePromtool) {
  console.warn("test/deploy/promtool: promtool not on PATH, skipping (Debian: apt-get install prometheus)");
}

describe.skipIf(!havePromtool)("promtool", () => {
  it("accepts the Prometheus config, the alert rules and their unit tests (deploy/check.sh)", () => {
    const run = spawnSync("sh", [join(ROOT, "deploy/check.sh")], { encoding: "utf8" });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/promtool checks passed/);
  });

  it("parses every Grafana query (as recording rules, with Grafana's variables filled in)", () => {
    const rules = dashboardExpressions().map(({ expr }, i) => ({ record: `grafana:query_${i}`, expr: expandGrafanaVariables(expr) }));
    const dir = mkdtempSync(join(tmpdir(), "tollgate-promql-"));
    try {
      const file = join(dir, "dashboard-queries.yml");
      writeFileSync(file, stringify({ groups: [{ name: "dashboard", rules }] }));
      const run = spawnSync("promtool", ["check", "rules", file], { encoding: "utf8" });
      expect(run.status, run.stdout + run.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
