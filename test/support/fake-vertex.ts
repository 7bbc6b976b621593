import type { IncomingMessage, ServerResponse } from "node:http";
import { startFakeServer, type FakeServer } from "./fake-server.ts";

/**
 * A fake Vertex AI (`{region}-aiplatform.googleapis.com`) that accepts only OAuth access tokens `valid` says
 * are current (anything else: Google's 401 UNAUTHENTICATED), for Gemini's `:generateContent` and Claude's
 * `:rawPredict`, answering as Vertex does (Gemini's GenerateContentResponse with usageMetadata; Anthropic's
 * Messages answer).
 */
export function startFakeVertex(valid: (token: string) => boolean): Promise<FakeServer> {
  return startFakeServer((req, res) => respond(valid, req, res));
}

export const VERTEX_GEMINI_USAGE = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15, trafficType: "ON_DEMAND" };
export const VERTEX_CLAUDE_USAGE = { input_tokens: 20, output_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8" }).end(JSON.stringify(body));
}

function respond(valid: (token: string) => boolean, req: IncomingMessage, res: ServerResponse): void {
  const auth = req.headers.authorization ?? "";
  const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
  if (!valid(token)) {
    return json(res, 401, {
      error: {
        code: 401,
        message:
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        status: "UNAUTHENTICATED",
      },
    });
  }
  const path = (req.url ?? "").split("?")[0]!;
  const gemini = /\/publishers\/google\/models\/([^/:]+):generateContent$/.exec(path);
  if (gemini) {
    return json(res, 200, {
      candidates: [{ content: { role: "model", parts: [{ text: "Hello from Vertex." }] }, finishReason: "STOP", avgLogprobs: -0.1 }],
      usageMetadata: VERTEX_GEMINI_USAGE,
      modelVersion: gemini[1],
      createTime: new Date().toISOString(),
      responseId: "vtx-" + Math.random().toString(36).slice(2, 10),
    });
  }
  const claude = /\/publishers\/anthropic\/models\/([^/:]+):rawPredict$/.exec(path);
  if (claude) {
    return json(res, 200, {
      id: "msg_vrtx_01",
      type: "message",
      role: "assistant",
      model: claude[1],
      content: [{ type: "text", text: "Hello from Claude on Vertex." }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: VERTEX_CLAUDE_USAGE,
    });
  }
  json(res, 404, { error: { code: 404, message: "Not found", status: "NOT_FOUND" } });
}
