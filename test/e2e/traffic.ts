// Mixed traffic for the dashboard's browser test: three apps across two providers, with successes,
// streams, slow calls, rate limits, upstream errors and an unpriced model.

export const UNPRICED_MODEL = "gpt-9-preview";
export const APPS = ["search", "chat", "batch"] as const;

interface Send {
  app: (typeof APPS)[number];
  provider: "openai" | "anthropic";
  model: string;
  stream?: boolean;
}

const PLAN: Array<Send & { times: number }> = [
  { app: "search", provider: "openai", model: "gpt-4o-mini", times: 6 },
  { app: "search", provider: "openai", model: "gpt-4o-mini", stream: true, times: 2 },
  { app: "search", provider: "openai", model: "gpt-4o-mini-429", times: 2 },
  { app: "chat", provider: "anthropic", model: "claude-sonnet-4-5", times: 3 },
  { app: "chat", provider: "anthropic", model: "claude-sonnet-4-5", stream: true, times: 1 },
  { app: "chat", provider: "anthropic", model: "claude-sonnet-4-5-529", times: 1 },
  { app: "chat", provider: "openai", model: "gpt-4o-mini-slow", stream: true, times: 2 },
  { app: "batch", provider: "openai", model: UNPRICED_MODEL, times: 3 },
  { app: "batch", provider: "openai", model: "gpt-4o-mini-500", times: 1 },
];

async function send(base: string, s: Send): Promise<number> {
  const messages = [{ role: "user", content: `Hello from ${s.app}` }];
  const res =
    s.provider === "openai"
      ? await fetch(`${base}/openai/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer sk-e2e-test-key-0123456789", "x-tollgate-app": s.app },
          body: JSON.stringify({
            model: s.model,
            messages,
            ...(s.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
          }),
        })
      : await fetch(`${base}/anthropic/v1/messages`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-api-key": "sk-ant-e2e-test-key-0123",
            "anthropic-version": "2023-06-01",
            "x-tollgate-app": s.app,
          },
          body: JSON.stringify({ model: s.model, max_tokens: 256, messages, ...(s.stream ? { stream: true } : {}) }),
        });
  await res.arrayBuffer(); // read to the end so the call finishes
  return res.status;
}

/** Sends the whole plan (a few calls at a time) and returns how many calls were made. */
export async function generateTraffic(base: string): Promise<number> {
  const all = PLAN.flatMap(({ times, ...s }) => Array.from({ length: times }, () => s));
  for (let i = 0; i < all.length; i += 4) await Promise.all(all.slice(i, i + 4).map((s) => send(base, s)));
  return all.length;
}
