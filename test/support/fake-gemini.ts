import type { IncomingMessage, ServerResponse } from "node:http";
import { startFakeServer, sleep, type FakeServer } from "./fake-server.ts";

/** The final usage the fake reports (promptTokenCount includes the cached part; thoughts are separate). */
export const GEMINI_USAGE = {
  promptTokenCount: 12000,
  cachedContentTokenCount: 8000,
  candidatesTokenCount: 400,
  thoughtsTokenCount: 600,
  totalTokenCount: 13000,
  promptTokensDetails: [{ modality: "TEXT", tokenCount: 12000 }],
  cacheTokensDetails: [{ modality: "TEXT", tokenCount: 8000 }],
  candidatesTokensDetails: [{ modality: "TEXT", tokenCount: 400 }],
};

export const GEMINI_TEXT = ["Hello", " from", " Gemini", "!"];

/** Input tokens the fake reports per embedded content. */
export const EMBED_TOKENS_PER_CONTENT = 7;
/** The bodies the fake sent for embedding calls, newest last: what the client must receive byte for byte. */
export const embedSent: string[] = [];

/** Running totals as a stream reports them part-way through (prompt known, output growing). */
const running = (candidates: number) => ({
  promptTokenCount: 12000,
  cachedContentTokenCount: 8000,
  candidatesTokenCount: candidates,
  totalTokenCount: 12000 + candidates,
  promptTokensDetails: GEMINI_USAGE.promptTokensDetails,
});

const candidate = (text: string, finishReason?: string) => ({
  content: { parts: [{ text }], role: "model" },
  index: 0,
  ...(finishReason ? { finishReason } : {}),
});

/**
 * A fake Gemini API (generativelanguage.googleapis.com). The model in the path picks the behaviour:
 * `…-429`, `…-500` answer errors; `…-cut` cuts a stream after two chunks; `…-vertex` reports trafficType;
 * anything else answers normally with GEMINI_USAGE. Streams use CRLF line ends, as Google's servers do.
 * Embeddings: see `embed`.
 */
export function startFakeGemini(): Promise<FakeServer> {
  return startFakeServer(respond);
}

async function respond(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fake");
  const m = /\/models\/([^/:]+):(\w+)$/.exec(url.pathname);
  if (!m) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: 404, message: "Not found", status: "NOT_FOUND" } }));
    return;
  }
  const [, model = "", method] = m;
  const responseId = "resp-" + Math.random().toString(36).slice(2, 10);
  const modelVersion = model.replace(/-(429|500|cut|vertex)$/, "");
  const error = (code: number, status: string, message: string) => {
    res.writeHead(code, { "content-type": "application/json; charset=UTF-8" });
    res.end(
      JSON.stringify({
        error: {
          code,
          message,
          status,
          details: code === 429 ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1s" }] : [],
        },
      }),
    );
  };
  if (model.endsWith("-429")) return error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).");
  if (model.endsWith("-500")) return error(500, "INTERNAL", "An internal error has occurred.");
  if (method === "countTokens") {
    res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
    res.end(JSON.stringify({ totalTokens: 31 }));
    return;
  }
  if (method === "embedContent" || method === "batchEmbedContents") return embed(req, res, url.pathname, method, model, body);
  const finalUsage = model.endsWith("-vertex") ? { ...GEMINI_USAGE, trafficType: "ON_DEMAND" } : GEMINI_USAGE;
  if (method === "generateContent") {
    res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
    res.end(JSON.stringify({ candidates: [candidate(GEMINI_TEXT.join(""), "STOP")], usageMetadata: finalUsage, modelVersion, responseId }));
    return;
  }
  const chunks = GEMINI_TEXT.map((text, i) =>
    i === GEMINI_TEXT.length - 1
      ? { candidates: [candidate(text, "STOP")], usageMetadata: finalUsage, modelVersion, responseId }
      : { candidates: [candidate(text)], usageMetadata: running(i + 1), modelVersion, responseId },
  );
  if (url.searchParams.get("alt") !== "sse") {
    // Without alt=sse the stream is one JSON array, sent piece by piece.
    res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
    res.end("[" + chunks.map((c) => JSON.stringify(c)).join(",\r\n") + "]");
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "x-content-type-options": "nosniff" });
  for (let i = 0; i < chunks.length; i++) {
    res.write(`data: ${JSON.stringify(chunks[i])}\r\n\r\n`);
    if (i === 1 && model.endsWith("-cut")) {
      await sleep(20);
      res.socket?.destroy();
      return;
    }
  }
  res.end();
}

/**
 * embedContent / batchEmbedContents. The Gemini API answers `{embedding}` / `{embeddings: [...]}` plus
 * `usageMetadata: {promptTokenCount, promptTokenDetails}` (EmbeddingUsageMetadata,
 * https://ai.google.dev/api/embeddings); Vertex's embedContent answers `{embedding, usageMetadata, truncated}`
 * with its general UsageMetadata (promptTokenCount, promptTokensDetails, totalTokenCount). Answers from before
 * usageMetadata existed carry none: the fake answers so for `text-embedding-004` and for requests with an
 * `x-fake-no-usage` header.
 */
function embed(req: IncomingMessage, res: ServerResponse, path: string, method: string, model: string, text: string): void {
  const json = JSON.parse(text || "{}") as { requests?: Array<{ content?: unknown }>; content?: unknown };
  const contents = method === "batchEmbedContents" ? (json.requests ?? []).map((r) => r.content) : [json.content];
  const tokens = EMBED_TOKENS_PER_CONTENT * contents.length;
  const vertex = path.includes("/publishers/google/models/");
  const usageMetadata = vertex
    ? { promptTokenCount: tokens, totalTokenCount: tokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: tokens }] }
    : { promptTokenCount: tokens, promptTokenDetails: [{ modality: "TEXT", tokenCount: tokens }] };
  const usage = model === "text-embedding-004" || req.headers["x-fake-no-usage"] !== undefined ? {} : { usageMetadata };
  const vector = (i: number) => ({ values: [0.0125 * (i + 1), -0.5, 0.25, 1e-7] });
  const answer =
    method === "batchEmbedContents"
      ? { embeddings: contents.map((_, i) => vector(i)), ...usage }
      : { embedding: vector(0), ...usage, ...(vertex ? { truncated: false } : {}) };
  const out = JSON.stringify(answer, null, 2);
  embedSent.push(out);
  res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
  res.end(out);
}
