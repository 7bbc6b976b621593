import type { Env } from "./env-schema.ts";

/** Where spans go (OTLP/HTTP), with the exporter's headers; undefined when no endpoint is set. */
export type OtelConfig = { url: string; headers: Record<string, string>; serviceName: string; maxQueue: number } | undefined;

/** `k1=v1,k2=v2` (values URL-encoded), the OTLP exporters' header list format. */
function otlpHeaders(list: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (list ?? "").split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return out;
}

export function otelConfig(e: Env): OtelConfig {
  // The traces variable is the full URL; the general one is a base the signal's path is appended to.
  const url =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces` : undefined);
  if (!url) return undefined;
  const headers = { ...otlpHeaders(e.OTEL_EXPORTER_OTLP_HEADERS), ...otlpHeaders(e.OTEL_EXPORTER_OTLP_TRACES_HEADERS) };
  return { url, headers, serviceName: e.OTEL_SERVICE_NAME, maxQueue: e.TOLLGATE_OTEL_MAX_QUEUE };
}
