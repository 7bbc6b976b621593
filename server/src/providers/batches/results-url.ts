import type { RequestInfo } from "../types.ts";

/** Where a client reaches this provider's route on Tollgate: its origin and the route's path prefix. */
export interface PublicRoute {
  /** e.g. "http://tollgate.internal:8080" */
  origin: string;
  /** e.g. "/anthropic" */
  prefix: string;
  /** the upstream base URL's path ("" for api.anthropic.com), which Tollgate's route stands for */
  upstreamBasePath: string;
}

const RESULTS_URL = /("results_url"\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

/**
 * Anthropic's Message Batches answer (create, retrieve) names `results_url` on api.anthropic.com, and the SDK's
 * `batches.results()` follows it — past Tollgate, so results would never be metered. This points that field,
 * and only it, at Tollgate's route for the same path; every other byte of the answer stays as it came.
 */
export function anthropicResultsUrlRewrite(info: RequestInfo, route: PublicRoute): ((body: Buffer) => Buffer) | undefined {
  const endpoint = info.batch?.endpoint;
  if (endpoint !== "batches.retrieve" && endpoint !== "batches.create") return undefined;
  return (body) => {
    const text = body.toString("utf8");
    let changed = false;
    const out = text.replace(RESULTS_URL, (whole, key: string, escaped: string) => {
      let url: URL;
      try {
        url = new URL(JSON.parse(`"${escaped}"`) as string);
      } catch {
        return whole;
      }
      const base = route.upstreamBasePath;
      const path = base && url.pathname.startsWith(base + "/") ? url.pathname.slice(base.length) : url.pathname;
      changed = true;
      return `${key}${JSON.stringify(`${route.origin}${route.prefix}${path}${url.search}`)}`;
    });
    return changed ? Buffer.from(out, "utf8") : body;
  };
}

/**
 * Tollgate's origin as the client reached it: the Host header (X-Forwarded-Host/-Proto when a proxy in
 * front set them). Only the client's own answer is shaped by it.
 */
export function publicOrigin(
  headers: { host?: string; "x-forwarded-host"?: string | string[]; "x-forwarded-proto"?: string | string[] },
  encrypted: boolean,
): string | null {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(",")[0]?.trim();
  const host = first(headers["x-forwarded-host"]) || headers.host;
  if (!host || !/^[A-Za-z0-9.\-:[\]]+$/.test(host)) return null;
  const proto = first(headers["x-forwarded-proto"]);
  return `${proto === "https" || proto === "http" ? proto : encrypted ? "https" : "http"}://${host}`;
}
