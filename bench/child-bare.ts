/**
 * The baseline: a bare Node `http` pass-through proxy. No parsing, no metering, nothing recorded — only the
 * per-request work any minimal proxy does (copy headers minus hop-by-hop ones, keep-alive agent, no Nagle,
 * stream the body both ways). Tollgate's overhead is measured against this.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { failChild, serveChild } from "./child-ipc.ts";

const target = new URL(process.env.BENCH_UPSTREAM ?? failChild("BENCH_UPSTREAM is not set"));
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, scheduling: "lifo" });
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "host", "proxy-connection", "upgrade", "te", "trailer"]);

const server = http.createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP.has(name)) headers[name] = value;
  const upstream = http.request(
    { agent, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
    (upRes) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upRes.headers)) if (value !== undefined && !HOP.has(name)) out[name] = value;
      res.writeHead(upRes.statusCode ?? 502, out);
      upRes.pipe(res);
    },
  );
  upstream.setNoDelay(true);
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
});

server.listen(0, "127.0.0.1", () => {
  serveChild(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
server.on("error", failChild);
