import type { IncomingMessage, ServerResponse } from "node:http";
import { startFakeServer, type FakeServer } from "./fake-server.ts";

/**
 * A fake upstream for audio tokens and priority tiers, in the providers' documented shapes: an OpenAI chat
 * completion with an audio answer (message.audio, usage.*_tokens_details.audio_tokens), a completion served
 * at `service_tier: "priority"`, an Anthropic message with `usage.service_tier: "priority"`, and a Gemini
 * answer whose usageMetadata splits the prompt by modality (promptTokensDetails).
 */
export function startFakeAudioTiers(): Promise<FakeServer> {
  return startFakeServer(respond);
}

const json = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

/** 100 prompt tokens of which 80 audio; 181 completion tokens of which 164 audio. */
export const AUDIO_USAGE = {
  prompt_tokens: 100,
  completion_tokens: 181,
  total_tokens: 281,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 80 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 164, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

function chat(res: ServerResponse, body: Record<string, unknown>): void {
  const model = String(body.model);
  if (model.startsWith("gpt-4.1")) {
    return json(res, {
      id: "chatcmpl-priority",
      object: "chat.completion",
      created: 1741476542,
      model: "gpt-4.1-2025-04-14",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Fast answer.", refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 500,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
      service_tier: body.service_tier === "priority" ? "priority" : "default",
      system_fingerprint: "fp_b3f1157249",
    });
  }
  json(res, {
    id: "chatcmpl-audio",
    object: "chat.completion",
    created: 1741476542,
    model: model === "gpt-audio" ? "gpt-audio-2025-08-28" : "gpt-4o-audio-preview-2024-12-17",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          refusal: null,
          audio: {
            id: "audio_abc123",
            expires_at: 1741480142,
            data: "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=",
            transcript: "Golden retrievers are friendly dogs.",
          },
        },
        finish_reason: "stop",
      },
    ],
    usage: AUDIO_USAGE,
    service_tier: "default",
    system_fingerprint: "fp_58887f9c5a",
  });
}

function anthropic(res: ServerResponse, body: Record<string, unknown>): void {
  json(res, {
    id: "msg_01Priority",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [{ type: "text", text: "Hello." }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: 1000,
      output_tokens: 100,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      service_tier: body.service_tier === "standard_only" ? "standard" : "priority",
    },
  });
}

function gemini(res: ServerResponse): void {
  json(res, {
    candidates: [{ content: { role: "model", parts: [{ text: "A dog barking." }] }, finishReason: "STOP" }],
    usageMetadata: {
      promptTokenCount: 1010,
      candidatesTokenCount: 20,
      totalTokenCount: 1030,
      promptTokensDetails: [
        { modality: "TEXT", tokenCount: 10 },
        { modality: "AUDIO", tokenCount: 1000 },
      ],
      candidatesTokensDetails: [{ modality: "TEXT", tokenCount: 20 }],
    },
    modelVersion: "gemini-2.5-flash",
    responseId: "audio-1",
  });
}

async function respond(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  const body = JSON.parse(raw || "{}") as Record<string, unknown>;
  const url = req.url ?? "";
  if (url.includes("/models/")) return gemini(res);
  if (url.endsWith("/v1/messages")) return anthropic(res, body);
  if (url.endsWith("/v1/chat/completions")) return chat(res, body);
  res.writeHead(404).end();
}
