import type { IncomingMessage, ServerResponse } from "node:http";
import { startFakeServer, sleep, type FakeServer } from "./fake-server.ts";

/**
 * A fake Ollama server (ollama/ollama docs/api.md, docs/api/{streaming,errors,usage}.mdx): the native
 * `/api/chat`, `/api/generate`, `/api/embed` — streams as NDJSON by default (`stream` defaults to true),
 * the last line `done: true` with the counts and durations in nanoseconds — plus the OpenAI-compatible
 * `/v1/chat/completions`. The model picks the behaviour: `missing…` answers 404 as Ollama does for a model
 * it has not pulled; `…-cut` ends a stream before its `done` line; `…-error` sends an error line mid-stream.
 * The request header `x-fake-split: 1` writes a stream in small pieces that split lines (and a multi-byte
 * character) mid-way. `sent` holds the exact bytes of every body the fake wrote, by model.
 */
export interface FakeOllama extends FakeServer {
  sent: Map<string, Buffer>;
}

export const OLLAMA_TEXT = ["The", " sky", " is", " blue", " — ", "Rayleigh", " 🌈"];
export const OLLAMA_COUNTS = { prompt_eval_count: 26, eval_count: 282 };
export const EMBED_COUNT = 8;
/** the delay before the first line with content, after a first line with none (a model loading, thinking off) */
export const FIRST_TOKEN_DELAY_MS = 150;

const CREATED = "2026-11-27T04:52:19.385406455Z";
const DURATIONS = { total_duration: 4883583458, load_duration: 1334875, prompt_eval_duration: 342546000, eval_duration: 4535599000 };

export async function startFakeOllama(): Promise<FakeOllama> {
  const sent = new Map<string, Buffer>();
  const server = await startFakeServer((req, res, body) => respond(req, res, body, sent));
  return { ...server, sent };
}

function line(o: unknown): string {
  return JSON.stringify(o) + "\n";
}

async function respond(req: IncomingMessage, res: ServerResponse, body: string, sent: Map<string, Buffer>): Promise<void> {
  const path = (req.url ?? "/").replace(/^\/ollama/, "");
  const json = JSON.parse(body || "{}") as Record<string, unknown>;
  const model = String(json.model ?? "");
  const finish = (status: number, type: string, text: string) => {
    sent.set(model, Buffer.from(text));
    res.writeHead(status, { "content-type": type });
    res.end(text);
  };
  if (model.startsWith("missing"))
    return finish(404, "application/json; charset=utf-8", JSON.stringify({ error: `model "${model}" not found, try pulling it first` }));
  if (path === "/v1/chat/completions") {
    const usage = { prompt_tokens: OLLAMA_COUNTS.prompt_eval_count, completion_tokens: OLLAMA_COUNTS.eval_count, total_tokens: 308 };
    const message = { role: "assistant", content: OLLAMA_TEXT.join("") };
    return finish(
      200,
      "application/json",
      JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1764219139,
        model,
        system_fingerprint: "fp_ollama",
        choices: [{ index: 0, message, finish_reason: "stop" }],
        usage,
      }),
    );
  }
  if (path === "/api/embed") {
    return finish(
      200,
      "application/json; charset=utf-8",
      JSON.stringify({
        model,
        embeddings: [[0.010071029, -0.0017594862, 0.05007221]],
        total_duration: 14143917,
        load_duration: 1019500,
        prompt_eval_count: EMBED_COUNT,
      }),
    );
  }
  const chat = path === "/api/chat";
  if (!chat && path !== "/api/generate") return finish(404, "text/plain", "404 page not found");
  const piece = (text: string) =>
    chat
      ? { model, created_at: CREATED, message: { role: "assistant", content: text }, done: false }
      : { model, created_at: CREATED, response: text, done: false };
  const done = chat
    ? {
        model,
        created_at: CREATED,
        message: { role: "assistant", content: "" },
        done_reason: "stop",
        done: true,
        ...DURATIONS,
        ...OLLAMA_COUNTS,
      }
    : { model, created_at: CREATED, response: "", done: true, done_reason: "stop", context: [1, 2, 3], ...DURATIONS, ...OLLAMA_COUNTS };
  if (json.stream === false) {
    const whole = chat
      ? { ...done, message: { role: "assistant", content: OLLAMA_TEXT.join("") } }
      : { ...done, response: OLLAMA_TEXT.join("") };
    return finish(200, "application/json; charset=utf-8", JSON.stringify(whole));
  }
  const lines = [line(piece("")), ...OLLAMA_TEXT.map((t) => line(piece(t)))];
  if (model.endsWith("-error")) lines.splice(3, lines.length, line({ error: "an error was encountered while running the model" }));
  else if (!model.endsWith("-cut")) lines.push(line(done));
  const bytes = Buffer.from(lines.join(""));
  sent.set(model, bytes);
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  // The first line carries no content; the first token comes later.
  const first = Buffer.byteLength(lines[0]!);
  res.write(bytes.subarray(0, first));
  await sleep(FIRST_TOKEN_DELAY_MS);
  const rest = bytes.subarray(first);
  const cuts = [0, rest.length];
  if (req.headers["x-fake-split"] === "1") {
    for (let at = 7; at < rest.length; at += 7) cuts.push(at);
    cuts.push(rest.indexOf(Buffer.from("🌈")) + 2); // inside the emoji's four bytes
  }
  cuts.sort((a, b) => a - b);
  for (let i = 1; i < cuts.length; i++) {
    if (cuts[i] === cuts[i - 1]) continue;
    res.write(rest.subarray(cuts[i - 1], cuts[i]));
    if (cuts.length > 2) await sleep(1);
  }
  if (model.endsWith("-cut")) {
    await sleep(20);
    res.socket?.destroy();
  } else res.end();
}
