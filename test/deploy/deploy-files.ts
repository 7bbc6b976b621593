import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** Readers for the deploy files the tests check (paths relative to the repository root). */
export const ROOT = new URL("../../", import.meta.url).pathname;
export const readRepoFile = (path: string): string => readFileSync(ROOT + path, "utf8");

interface Rule { alert?: string; record?: string; expr: string }
interface Panel { title: string; type: string; targets?: { expr: string }[]; panels?: Panel[] }
export interface NamedExpr { name: string; expr: string }

export function alertExpressions(): NamedExpr[] {
  const file = parse(readRepoFile("deploy/alerts.yml")) as { groups: { rules: Rule[] }[] };
  return file.groups.flatMap((g) => g.rules.map((r) => ({ name: r.alert ?? r.record ?? "?", expr: r.expr })));
}

/** Every panel query of the Grafana dashboard, plus the metric of each `label_values(…)` variable. */
export function dashboardExpressions(): NamedExpr[] {
  const dashboard = JSON.parse(readRepoFile("deploy/grafana/dashboards/tollgate.json")) as {
    panels: Panel[];
    templating: { list: { name: string; definition?: string }[] };
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  return [
    ...panels.flatMap((p) => (p.targets ?? []).map((t) => ({ name: p.title, expr: t.expr }))),
    ...dashboard.templating.list.flatMap((v) => {
      const metric = v.definition ? /^label_values\((.+),\s*\w+\)$/.exec(v.definition)?.[1] : undefined;
      return metric ? [{ name: `$${v.name}`, expr: metric }] : [];
    }),
  ];
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | null>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string };
  volumes?: string[];
  ports?: string[];
  secrets?: string[];
  command?: string[];
  profiles?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  secrets?: Record<string, { environment?: string; file?: string }>;
}

// merge: compose applies YAML merge keys (`<<: *anchor`), which the scaled profile uses
export const composeFile = (): ComposeFile => parse(readRepoFile("docker-compose.yml"), { merge: true }) as ComposeFile;
