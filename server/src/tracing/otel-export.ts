import { context, createTraceState, SpanKind, SpanStatusCode, trace, TraceFlags, type Context } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { BUILTIN_PROVIDERS, type Config } from "../config.ts";
import type { CallRecord } from "../domain/call-record.ts";
import { routeInfo, spanAttributes, spanName, type RouteInfo } from "./genai-span.ts";

export interface SpanCounters {
  exported(n: number): void;
  dropped(n: number): void;
}

export interface CallTracer {
  /** takes a finished call; returns at once (the span is built later, exported in batches) */
  record(call: CallRecord): void;
  /** spans queued, exported or not (tests, shutdown) */
  pending(): number;
  forceFlush(): Promise<void>;
  /** flushes what it can within `ms`, then gives up on the rest (counted as dropped) */
  shutdown(ms: number): Promise<void>;
}

/** Counts what the OTLP exporter delivered and what it failed to (collector down, slow, refusing). */
class CountingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly settled: (ok: boolean, n: number) => void,
  ) {}
  export(spans: ReadableSpan[], done: Parameters<SpanExporter["export"]>[1]): void {
    this.inner.export(spans, (result) => {
      this.settled(result.code === 0, spans.length);
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

const toHrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/**
 * One span per call, exported over OTLP/HTTP (the official SDK: BatchSpanProcessor → OTLPTraceExporter).
 * Nothing of it runs on a call's path: finished calls are queued, their spans built on a later turn, and
 * the processor exports in the background. Bounded: at most `maxQueue` spans wait or are in flight; beyond
 * that — the collector down or slow — new spans are dropped and counted, never waited for.
 */
export function createCallTracer(config: Config, counters: SpanCounters): CallTracer | undefined {
  const otel = config.otel;
  if (!otel) return undefined;
  let inFlight = 0;
  const exporter = new CountingExporter(new OTLPTraceExporter({ url: otel.url, headers: otel.headers, timeoutMillis: 10_000 }), (ok, n) => {
    inFlight -= n;
    if (ok) counters.exported(n);
    else counters.dropped(n);
  });
  const processor = new BatchSpanProcessor(exporter, {
    maxQueueSize: otel.maxQueue,
    maxExportBatchSize: Math.min(512, otel.maxQueue),
    scheduledDelayMillis: 1_000,
    exportTimeoutMillis: 10_000,
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": otel.serviceName }),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer("tollgate");
  const routes = new Map<string, RouteInfo>();
  for (const [name, p] of config.providers) routes.set(name, routeInfo(p, name in BUILTIN_PROVIDERS));

  let waiting: CallRecord[] = [];
  let scheduled = false;

  function parentOf(call: CallRecord): Context {
    if (!call.traceId || !call.parentSpanId) return context.active();
    return trace.setSpanContext(context.active(), {
      traceId: call.traceId,
      spanId: call.parentSpanId,
      traceFlags: call.traceFlags ?? TraceFlags.SAMPLED,
      isRemote: true,
      traceState: call.traceState ? createTraceState(call.traceState) : undefined,
    });
  }

  function build(): void {
    scheduled = false;
    const calls = waiting;
    waiting = [];
    for (const call of calls) {
      const start = call.startedAt.getTime();
      const span = tracer.startSpan(
        spanName(call),
        { kind: SpanKind.CLIENT, startTime: toHrTime(start), attributes: spanAttributes(call, routes.get(call.provider)) },
        parentOf(call),
      );
      if (!span.isRecording()) {
        inFlight--; // the caller's trace is not sampled: nothing to export
        continue;
      }
      if (call.outcome !== "ok") span.setStatus({ code: SpanStatusCode.ERROR, message: call.errorMessage?.slice(0, 500) ?? call.outcome });
      span.end(toHrTime(start + call.latencyMs));
    }
  }

  return {
    record(call) {
      if (inFlight >= otel.maxQueue) {
        counters.dropped(1);
        return;
      }
      inFlight++;
      waiting.push(call);
      if (!scheduled) {
        scheduled = true;
        setImmediate(build);
      }
    },
    pending: () => inFlight,
    async forceFlush() {
      if (scheduled) build();
      await provider.forceFlush();
    },
    async shutdown(ms) {
      if (scheduled) build();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
      await Promise.race([provider.shutdown().catch(() => {}), late]);
      clearTimeout(timer);
      if (inFlight > 0) counters.dropped(inFlight);
      inFlight = 0;
    },
  };
}
