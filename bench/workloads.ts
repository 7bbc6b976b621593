/** The request bodies the proxy bench sends: a typical small chat completion, plain and streamed. */
import type { Workload } from "./load.ts";

const messages = [
  { role: "system", content: "You are a concise assistant for an online bookshop. Answer in two sentences at most." },
  {
    role: "user",
    content: "I liked The Left Hand of Darkness and Piranesi. Which three novels should I read next, and why would each suit me?",
  },
];

const headers = { "content-type": "application/json", authorization: "Bearer sk-bench-not-a-real-key", "x-tollgate-app": "bench" };

export const JSON_WORKLOAD: Workload = {
  name: "JSON",
  path: "/v1/chat/completions",
  body: JSON.stringify({ model: "gpt-4o-mini", messages, temperature: 0.2, max_tokens: 200 }),
  headers,
};

// Like most SDK calls, the stream does not ask for usage: Tollgate adds stream_options.include_usage and
// hides the usage chunk again, so this is its full streaming path.
export const SSE_WORKLOAD: Workload = {
  name: "SSE",
  path: "/v1/chat/completions",
  body: JSON.stringify({ model: "gpt-4o-mini", messages, temperature: 0.2, max_tokens: 200, stream: true }),
  headers,
};
