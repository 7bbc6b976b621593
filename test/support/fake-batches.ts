import type { IncomingMessage, ServerResponse } from "node:http";
import { startFakeServer, type FakeServer } from "./fake-server.ts";

/**
 * A fake OpenAI Batch API and Anthropic Message Batches API, in the shapes of their references: file upload,
 * batch creation, a retrieve that shows the batch finished (OpenAI: output_file_id; Anthropic: results_url, also
 * in its list and cancel answers),
 * and the results as JSONL. `resultsBase` is where Anthropic's results_url points: the fake itself, as
 * api.anthropic.com names itself (Tollgate must point it at its own route).
 */
export interface FakeBatches extends FakeServer {
  resultsBase: string;
}

export async function startFakeBatches(): Promise<FakeBatches> {
  const state = { resultsBase: "" };
  const server = await startFakeServer((req, res, body) => respond(state, req, res, body));
  state.resultsBase = server.url;
  return Object.assign(server, {
    get resultsBase() {
      return state.resultsBase;
    },
    set resultsBase(v: string) {
      state.resultsBase = v;
    },
  });
}

const json = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const jsonl = (res: ServerResponse, lines: unknown[], type: string) => {
  res.writeHead(200, { "content-type": type });
  res.end(lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
};

export const OPENAI_BATCH_ID = "batch_abc123";
export const ANTHROPIC_BATCH_ID = "msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d";

function openAiBatch(status: string) {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: OPENAI_BATCH_ID,
    object: "batch",
    endpoint: "/v1/chat/completions",
    errors: null,
    input_file_id: "file-abc123",
    completion_window: "24h",
    status,
    output_file_id: status === "completed" ? "file-cvaTdG" : null,
    error_file_id: status === "completed" ? "file-HOWS94" : null,
    created_at: now - 600,
    in_progress_at: status === "completed" ? now - 590 : null,
    expires_at: now + 86_000,
    finalizing_at: null,
    completed_at: status === "completed" ? now - 60 : null,
    failed_at: null,
    expired_at: null,
    cancelling_at: null,
    cancelled_at: null,
    request_counts: status === "completed" ? { total: 3, completed: 2, failed: 1 } : { total: 0, completed: 0, failed: 0 },
    metadata: { customer_id: "user_123456789" },
  };
}

function chatCompletion(id: string, prompt: number, completion: number) {
  return {
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000) - 120,
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, message: { role: "assistant", content: "Hello.", refusal: null }, logprobs: null, finish_reason: "stop" }],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    system_fingerprint: "fp_3aa7262c27",
  };
}

function anthropicBatch(ended: boolean, resultsBase: string) {
  return {
    id: ANTHROPIC_BATCH_ID,
    type: "message_batch",
    processing_status: ended ? "ended" : "in_progress",
    request_counts: ended
      ? { processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0 }
      : { processing: 3, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
    ended_at: ended ? new Date().toISOString() : null,
    created_at: new Date(Date.now() - 600_000).toISOString(),
    expires_at: new Date(Date.now() + 86_000_000).toISOString(),
    archived_at: null,
    cancel_initiated_at: null,
    results_url: ended ? `${resultsBase}/v1/messages/batches/${ANTHROPIC_BATCH_ID}/results` : null,
  };
}

function message(id: string, input: number, output: number) {
  return {
    id,
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [{ type: "text", text: "Hello again!" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: input,
      output_tokens: output,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      service_tier: "batch",
    },
  };
}

function respond(state: { resultsBase: string }, req: IncomingMessage, res: ServerResponse, _body: string): void {
  const url = (req.url ?? "").split("?")[0]!;
  const method = req.method ?? "GET";
  if (method === "POST" && url === "/v1/files")
    return json(res, {
      id: "file-abc123",
      object: "file",
      bytes: 120000,
      created_at: 1677610602,
      filename: "batchinput.jsonl",
      purpose: "batch",
    });
  if (method === "POST" && url === "/v1/batches") return json(res, openAiBatch("validating"));
  if (method === "GET" && url === `/v1/batches/${OPENAI_BATCH_ID}`) return json(res, openAiBatch("completed"));
  if (method === "GET" && url === "/v1/files/file-cvaTdG/content") {
    return jsonl(
      res,
      [
        {
          id: "batch_req_123",
          custom_id: "request-1",
          response: { status_code: 200, request_id: "req_123", body: chatCompletion("chatcmpl-1", 22, 2) },
          error: null,
        },
        {
          id: "batch_req_124",
          custom_id: "request-2",
          response: { status_code: 200, request_id: "req_124", body: chatCompletion("chatcmpl-2", 1000, 200) },
          error: null,
        },
      ],
      "application/octet-stream",
    );
  }
  if (method === "GET" && url === "/v1/files/file-HOWS94/content") {
    return jsonl(
      res,
      [
        {
          id: "batch_req_456",
          custom_id: "request-3",
          response: {
            status_code: 400,
            request_id: "req_456",
            body: { error: { message: "Invalid model", type: "invalid_request_error", param: "model", code: null } },
          },
          error: null,
        },
      ],
      "application/octet-stream",
    );
  }
  if (method === "POST" && url === "/v1/messages/batches") return json(res, anthropicBatch(false, state.resultsBase));
  if (method === "GET" && url === `/v1/messages/batches/${ANTHROPIC_BATCH_ID}`) return json(res, anthropicBatch(true, state.resultsBase));
  if (method === "GET" && url === "/v1/messages/batches") {
    const batch = anthropicBatch(true, state.resultsBase);
    return json(res, { data: [batch], has_more: false, first_id: batch.id, last_id: batch.id });
  }
  if (method === "POST" && url === `/v1/messages/batches/${ANTHROPIC_BATCH_ID}/cancel`) {
    // an ended batch stays ended: the answer is the batch as it is (results_url on the provider's host)
    return json(res, anthropicBatch(true, state.resultsBase));
  }
  if (method === "GET" && url === `/v1/messages/batches/${ANTHROPIC_BATCH_ID}/results`) {
    return jsonl(
      res,
      [
        { custom_id: "my-second-request", result: { type: "succeeded", message: message("msg_014VwiXbi91y3JMjcpyGBHX5", 11, 36) } },
        { custom_id: "my-third-request", result: { type: "succeeded", message: message("msg_014VwiXbi91y3JMjcpyGBHX6", 1000, 100) } },
        {
          custom_id: "my-first-request",
          result: {
            type: "errored",
            error: { type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } },
          },
        },
      ],
      "application/binary",
    );
  }
  res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
}
