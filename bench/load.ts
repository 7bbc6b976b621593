/** Load generation: autocannon for throughput, and a precise sequential probe for latency at c=1. */
import autocannon from "autocannon";
import http from "node:http";

export interface Workload {
  name: string;
  path: string;
  body: string;
  headers: Record<string, string>;
}

export interface ThroughputResult {
  requests: number;
  reqPerSec: number;
  /** autocannon's latency histogram is whole milliseconds: fine at c=32, too coarse at c=1 */
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

export async function throughput(baseUrl: string, w: Workload, connections: number, seconds: number): Promise<ThroughputResult> {
  const result = await autocannon({
    url: baseUrl + w.path,
    method: "POST",
    headers: w.headers,
    body: w.body,
    connections,
    duration: seconds,
    timeout: 30,
  });
  const ok = result["2xx"];
  return {
    requests: ok,
    reqPerSec: ok / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

export interface ProbeResult {
  /** each request's total time, ms */
  totalMs: number[];
  /** each request's time to the first byte of the response body (the first streamed event), ms */
  firstByteMs: number[];
}

/**
 * Sends `count` requests one after another over one keep-alive connection, timing each with hrtime:
 * microsecond precision, which the 0.3 ms added-latency target needs.
 */
export async function probe(baseUrl: string, w: Workload, count: number, extraHeaders: Record<string, string> = {}): Promise<ProbeResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(baseUrl + w.path);
  const body = Buffer.from(w.body);
  const headers = { ...w.headers, ...extraHeaders, "content-length": String(body.length) };
  const total: number[] = [];
  const firstByte: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const [t, f] = await once(agent, url, headers, body);
      total.push(t);
      firstByte.push(f);
    }
  } finally {
    agent.destroy();
  }
  return { totalMs: total, firstByteMs: firstByte };
}

function once(agent: http.Agent, url: URL, headers: Record<string, string>, body: Buffer): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let first = 0;
    const req = http.request({ agent, hostname: url.hostname, port: url.port, path: url.pathname, method: "POST", headers }, (res) => {
      res.on("data", () => {
        if (first === 0) first = Number(process.hrtime.bigint() - start) / 1e6;
      });
      res.on("end", () => {
        if (res.statusCode !== 200) return reject(new Error(`probe got HTTP ${res.statusCode}`));
        resolve([Number(process.hrtime.bigint() - start) / 1e6, first]);
      });
      res.on("error", reject);
    });
    req.setNoDelay(true);
    req.on("error", reject);
    req.end(body);
  });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
