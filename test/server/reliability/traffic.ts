/**
 * Mixed client traffic through a Tollgate in front of the fake OpenAI upstream (test/support/fake-openai.ts):
 * JSON and streamed chat, embeddings, rate limits, server errors, cut streams, garbage, and clients that
 * abort mid-stream. Every answered call carries `x-tollgate-call-id`; those ids are what must be recorded.
 */

export interface TrafficStats {
  /** requests started */
  started: number;
  /** call ids Tollgate answered with (each must be recorded exactly once) */
  ids: string[];
  /** requests that got no answer at all (connection refused during a restart, …) */
  unanswered: number;
  /** HTTP status → count */
  statuses: Record<string, number>;
  /** kind → count */
  kinds: Record<string, number>;
  /** answered calls whose body is still arriving (not counting streams that are meant to break: cut, abort) */
  reading: Set<string>;
  /** answered calls whose body arrived whole */
  whole: Set<string>;
  /** answered calls whose body broke off although nothing was meant to break it */
  broken: string[];
}

export interface Traffic {
  stats: TrafficStats;
  /** stops starting new requests and waits for those in flight */
  stop(): Promise<TrafficStats>;
}

export type Kind =
  "json" | "stream" | "slow-stream" | "stream-usage" | "embeddings" | "rate-limited" | "server-error" | "cut" | "garbage" | "abort";
export const KINDS: readonly Kind[] = [
  "json",
  "stream",
  "json",
  "stream-usage",
  "embeddings",
  "json",
  "stream",
  "rate-limited",
  "server-error",
  "cut",
  "garbage",
  "abort",
];

function requestFor(kind: Kind): { path: string; body: Record<string, unknown> } {
  const messages = [{ role: "user", content: "Summarise the plot of Moby Dick in one line." }];
  switch (kind) {
    case "embeddings":
      return { path: "/openai/v1/embeddings", body: { model: "text-embedding-3-small", input: ["alpha", "beta"] } };
    case "stream":
      return { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini", stream: true, messages } };
    case "slow-stream":
      return { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini-slow", stream: true, messages } };
    case "stream-usage":
      return {
        path: "/openai/v1/chat/completions",
        body: { model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages },
      };
    case "rate-limited":
      return { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini-429", messages } };
    case "server-error":
      return { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini-500", messages } };
    case "cut":
      return { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini-cut", stream: true, messages } };
    case "garbage":
      return { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini-garbage", messages } };
    case "abort":
      return { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini-slow", stream: true, messages } };
    default:
      return { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini", messages } };
  }
}

async function one(baseUrl: string, kind: Kind, stats: TrafficStats, app: string): Promise<void> {
  const { path, body } = requestFor(kind);
  const controller = new AbortController();
  stats.started++;
  stats.kinds[kind] = (stats.kinds[kind] ?? 0) + 1;
  let res: Response;
  try {
    res = await fetch(baseUrl + path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-soak-secret", "x-tollgate-app": app },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
  } catch {
    stats.unanswered++;
    return;
  }
  const id = res.headers.get("x-tollgate-call-id");
  if (id) stats.ids.push(id);
  else stats.unanswered++;
  stats.statuses[res.status] = (stats.statuses[res.status] ?? 0) + 1;
  const meantToBreak = kind === "cut" || kind === "abort";
  if (id && !meantToBreak) stats.reading.add(id);
  try {
    if (kind === "abort") {
      // read the first event, then walk away
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      return;
    }
    await res.arrayBuffer();
    if (id) stats.whole.add(id);
  } catch {
    // cut streams end in an error on the client side, as they should; nothing else should
    if (id && !meantToBreak) stats.broken.push(id);
  } finally {
    if (id) stats.reading.delete(id);
  }
}

/** Runs `concurrency` clients in a loop until stopped. */
export function startTraffic(
  baseUrl: () => string,
  options: { concurrency: number; app?: string; pauseMs?: number; kinds?: readonly Kind[] },
): Traffic {
  const stats: TrafficStats = {
    started: 0,
    ids: [],
    unanswered: 0,
    statuses: {},
    kinds: {},
    reading: new Set(),
    whole: new Set(),
    broken: [],
  };
  const kinds = options.kinds ?? KINDS;
  let running = true;
  let next = 0;
  const workers = Array.from({ length: options.concurrency }, async () => {
    while (running) {
      const kind = kinds[next++ % kinds.length]!;
      await one(baseUrl(), kind, stats, options.app ?? "soak");
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  });
  return {
    stats,
    async stop() {
      running = false;
      await Promise.all(workers);
      return stats;
    },
  };
}
