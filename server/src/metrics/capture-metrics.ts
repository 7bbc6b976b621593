import { Counter, type Registry } from "prom-client";

/** Counters of the debugging features: stored bodies and exported OpenTelemetry spans. */
export interface CaptureMetrics {
  /** captured bodies not stored (queue full, database refused the batch) */
  bodiesDropped(n: number): void;
  /** spans not delivered to the OTLP collector (queue full, export failed or timed out) */
  spansDropped(n: number): void;
  spansExported(n: number): void;
}

export function createCaptureMetrics(registry: Registry): CaptureMetrics {
  const registers = [registry];
  const bodies = new Counter({
    name: "tollgate_bodies_dropped_total",
    help: "Captured request/response bodies not stored (queue full or database error).",
    registers,
  });
  const dropped = new Counter({
    name: "tollgate_otel_spans_dropped_total",
    help: "OpenTelemetry spans not delivered (export queue full, collector unreachable or failing).",
    registers,
  });
  const exported = new Counter({
    name: "tollgate_otel_spans_exported_total",
    help: "OpenTelemetry spans the OTLP collector accepted.",
    registers,
  });
  return {
    bodiesDropped: (n) => bodies.inc(n),
    spansDropped: (n) => dropped.inc(n),
    spansExported: (n) => exported.inc(n),
  };
}
