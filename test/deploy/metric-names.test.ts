import { describe, expect, it } from "vitest";
import { alertExpressions, dashboardExpressions } from "./deploy-files.ts";
import { liveSampleNames, SCRAPE_SERIES } from "./live-names.ts";
import { metricNames } from "./promql.ts";

describe("PromQL metric name reader", () => {
  it("finds metric names and nothing else", () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (provider, le) (rate(tollgate_request_duration_seconds_bucket{outcome="ok", app=~"$app"}[$__rate_interval]))) > 1e9',
      ),
    ).toEqual(new Set(["tollgate_request_duration_seconds_bucket"]));
    expect(metricNames('a_total / on (x) group_left (y) b offset 5m and c{le="+Inf"} unless sum(d) without (z)')).toEqual(
      new Set(["a_total", "b", "c", "d"]),
    );
    expect(metricNames("sum(rate(x_total[1h])) * 3600 > 50")).toEqual(new Set(["x_total"]));
  });
});

describe("metric names in dashboards and alerts exist in /metrics", () => {
  it("every alert rule reads only exposed metrics", async () => {
    const live = await liveSampleNames();
    const rules = alertExpressions();
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const missing = rules.flatMap(({ name, expr }) =>
      [...metricNames(expr)].filter((m) => !live.has(m) && !SCRAPE_SERIES.has(m)).map((m) => `${name}: ${m}`),
    );
    expect(missing).toEqual([]);
  });

  it("every Grafana query and variable reads only exposed metrics", async () => {
    const live = await liveSampleNames();
    const queries = dashboardExpressions();
    expect(queries.length).toBeGreaterThanOrEqual(20);
    const read = new Set<string>();
    const missing = queries.flatMap(({ name, expr }) => {
      const names = [...metricNames(expr)];
      names.forEach((n) => read.add(n));
      return names.filter((m) => !live.has(m) && !SCRAPE_SERIES.has(m)).map((m) => `${name}: ${m}`);
    });
    expect(missing).toEqual([]);
    // The dashboard covers what issue 5 asks for: spend, errors, latency, TTFT, overhead, tokens, recorder.
    for (const needed of [
      "tollgate_cost_usd_total", "tollgate_requests_total", "tollgate_request_duration_seconds_bucket",
      "tollgate_time_to_first_token_seconds_bucket", "tollgate_overhead_seconds_bucket", "tollgate_tokens_total",
      "tollgate_unpriced_requests_total", "tollgate_recorder_queue_depth", "tollgate_recorder_spooled_records",
      "tollgate_recorder_dropped_total",
    ]) {
      expect(read, needed).toContain(needed);
    }
  });
});
