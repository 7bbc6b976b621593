import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeFile, readRepoFile as read } from "./deploy-files.ts";

interface GridPos { x: number; y: number; w: number; h: number }
interface Panel {
  id: number; type: string; title: string; gridPos: GridPos;
  datasource?: { uid: string }; targets?: { refId: string; expr: string }[];
}

describe("Grafana provisioning", () => {
  const dashboard = JSON.parse(read("deploy/grafana/dashboards/tollgate.json")) as {
    uid: string; title: string; panels: Panel[]; templating: { list: { name: string; type: string; query?: unknown }[] };
  };

  it("is a valid dashboard with unique ids and non-overlapping panels", () => {
    expect(dashboard.uid).toBe("tollgate");
    expect(dashboard.title).toBe("Tollgate");
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const boxes = dashboard.panels.map((p) => p.gridPos);
    for (const [i, a] of boxes.entries()) {
      expect(a.x + a.w, dashboard.panels[i]!.title).toBeLessThanOrEqual(24);
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`).toBe(false);
      }
    }
  });

  it("has a query in every non-row panel, each on the datasource variable", () => {
    for (const panel of dashboard.panels.filter((p) => p.type !== "row")) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect(panel.datasource?.uid, panel.title).toBe("${datasource}");
      for (const target of panel.targets ?? []) expect(target.expr.trim(), panel.title).not.toBe("");
    }
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(["datasource", "provider", "app"]);
  });

  it("provisions the Prometheus datasource the dashboard defaults to, and loads dashboards from the mounted folder", () => {
    const ds = parse(read("deploy/grafana/provisioning/datasources/prometheus.yml")) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    expect(ds.datasources[0]).toMatchObject({ uid: "prometheus", type: "prometheus", url: "http://prometheus:9090" });
    const providers = parse(read("deploy/grafana/provisioning/dashboards/tollgate.yml")) as {
      providers: { type: string; options: { path: string } }[];
    };
    const mounts = composeFile().services.grafana!.volumes!;
    expect(mounts).toContain(`./deploy/grafana/dashboards:${providers.providers[0]!.options.path}:ro`);
    expect(mounts).toContain("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro");
  });
});
