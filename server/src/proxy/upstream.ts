import http from "node:http";
import https from "node:https";
import type { ProviderConfig } from "../config.ts";

/** Where one provider's calls go: a parsed base URL and a keep-alive agent of its own. */
export interface Upstream {
  provider: ProviderConfig;
  request: typeof http.request;
  agent: http.Agent;
  hostname: string;
  port: number;
  /** the base URL's path without a trailing slash, prefixed to every forwarded path */
  basePath: string;
  hostHeader: string;
}

export function createUpstream(provider: ProviderConfig): Upstream {
  const url = new URL(provider.baseUrl);
  const secure = url.protocol === "https:";
  const options = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: Infinity, maxFreeSockets: 256, scheduling: "lifo" as const };
  return {
    provider,
    request: secure ? https.request : http.request,
    agent: secure ? new https.Agent(options) : new http.Agent(options),
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    basePath: url.pathname.replace(/\/+$/, ""),
    hostHeader: url.host,
  };
}
