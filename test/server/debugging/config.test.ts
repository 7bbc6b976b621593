import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/src/config.ts";
import { parseTraceparent } from "../../../server/src/tracing/trace-context.ts";

describe("debugging configuration", () => {
  it("reads TOLLGATE_LOG_BODIES as off | errors | all, the old true/false as all/off", () => {
    const mode = (v?: string) => loadConfig(v === undefined ? {} : { TOLLGATE_LOG_BODIES: v }).logBodies;
    expect(mode()).toBe("off");
    expect([mode("off"), mode("errors"), mode("all")]).toEqual(["off", "errors", "all"]);
    expect([mode("true"), mode("1"), mode("false"), mode("0")]).toEqual(["all", "all", "off", "off"]);
    expect(() => mode("yes")).toThrow(/TOLLGATE_LOG_BODIES/);
    expect(loadConfig({}).bodyMaxBytes).toBe(262_144);
    expect(loadConfig({ TOLLGATE_BODY_RETENTION_DAYS: "7" }).bodyRetentionDays).toBe(7);
  });

  it("reads the OTLP endpoint: the traces URL as given, the base one with /v1/traces", () => {
    expect(loadConfig({}).otel).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }).otel).toEqual({
      url: "http://collector:4318/v1/traces",
      headers: {},
      serviceName: "tollgate",
      maxQueue: 2048,
    });
    const both = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://cloud.langfuse.com/api/public/otel/v1/traces",
      OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20cGs6c2s=,x-a=1",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-a=2",
      OTEL_SERVICE_NAME: "gateway",
    }).otel;
    expect(both).toEqual({
      url: "https://cloud.langfuse.com/api/public/otel/v1/traces",
      headers: { Authorization: "Basic cGs6c2s=", "x-a": "2" },
      serviceName: "gateway",
      maxQueue: 2048,
    });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it("parses traceparent by the W3C rules", () => {
    const trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    expect(parseTraceparent(`00-${trace}-00f067aa0ba902b7-01`, "congo=t61rcWkgMzE")).toEqual({
      traceId: trace,
      parentSpanId: "00f067aa0ba902b7",
      flags: 1,
      state: "congo=t61rcWkgMzE",
    });
    expect(parseTraceparent(`00-${trace}-00f067aa0ba902b7-00`)?.flags).toBe(0);
    expect(parseTraceparent(`01-${trace}-00f067aa0ba902b7-01-extra`)?.traceId).toBe(trace); // later versions may add fields
    for (const bad of [
      `00-${trace}-00f067aa0ba902b7-01-extra`,
      `ff-${trace}-00f067aa0ba902b7-01`,
      `00-${"0".repeat(32)}-00f067aa0ba902b7-01`,
      `00-${trace}-${"0".repeat(16)}-01`,
      `00-${trace.toUpperCase()}-00f067aa0ba902b7-01`,
      "garbage",
      undefined,
    ]) {
      expect(parseTraceparent(bad)).toBeNull();
    }
  });
});
