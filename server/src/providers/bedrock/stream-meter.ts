import type { Usage } from "../../domain/usage.ts";
import { normalizeAnthropicUsage } from "../anthropic/adapter.ts";
import { obj, parseObject, str } from "../json.ts";
import { PASS, TOKEN, type ResponseFacts, type StreamMeter } from "../types.ts";
import type { Family } from "./model-id.ts";
import { converseUsage, invocationMetricsUsage, nativeUsage, outputTextOf } from "./usage.ts";

/** An event-stream message as the meter sees it: `:event-type`, or `exception:` + `:exception-type`. */
export const EXCEPTION_PREFIX = "exception:";
const MAX_TEXT = 4_000_000;

/**
 * Meters ConverseStream (`messageStart`, `contentBlockDelta`, …, `metadata` with `usage`) and
 * InvokeModelWithResponseStream (`chunk` events whose `bytes` hold the model's own stream events, base64; the
 * last carries `amazon-bedrock-invocationMetrics`). An exception message mid-stream is the call's error.
 */
export class BedrockStreamMeter implements StreamMeter {
  private usage: Usage | undefined;
  /** usage a native stream reported on the way (Anthropic's message_start, Nova's metadata, Llama's counts) */
  private native: Usage | undefined;
  private nativeOutput = 0;
  private responseModel: string | undefined;
  private errorType: string | undefined;
  private errorMessage: string | undefined;
  private text = "";

  constructor(private readonly family: Family) {}

  onEvent(event: string | undefined, data: string | undefined): number {
    if (event === undefined || data === undefined) return PASS;
    if (event.startsWith(EXCEPTION_PREFIX)) {
      this.errorType = event.slice(EXCEPTION_PREFIX.length);
      this.errorMessage = str(parseObject(data)?.message) ?? data.slice(0, 1000);
      return PASS;
    }
    const json = parseObject(data);
    if (!json) return PASS;
    if (event === "contentBlockDelta") return this.keep(str(obj(json.delta)?.text));
    if (event === "metadata") {
      const u = obj(json.usage);
      if (u) this.usage = converseUsage(u);
      return PASS;
    }
    if (event === "chunk") {
      const bytes = str(json.bytes);
      const inner = bytes ? parseObject(Buffer.from(bytes, "base64").toString("utf8")) : undefined;
      if (inner) return this.onChunk(inner);
    }
    return PASS;
  }

  /** One model-native stream event from a chunk's bytes. */
  private onChunk(json: Record<string, unknown>): number {
    const metrics = obj(json["amazon-bedrock-invocationMetrics"]);
    if (metrics) this.usage = invocationMetricsUsage(metrics);
    const type = str(json.type);
    if (type === "message_start") {
      const message = obj(json.message);
      this.responseModel = str(message?.model) ?? this.responseModel;
      const u = obj(message?.usage);
      if (u) this.native = normalizeAnthropicUsage(u);
      return PASS;
    }
    if (type === "content_block_delta") {
      const delta = obj(json.delta);
      return this.keep(str(delta?.text) ?? str(delta?.thinking) ?? str(delta?.partial_json));
    }
    if (type === "message_delta") {
      const u = obj(json.usage);
      if (u && this.native) this.nativeOutput = Math.max(this.nativeOutput, normalizeAnthropicUsage(u).outputTokens);
      return PASS;
    }
    if (type !== undefined) return PASS;
    // Nova (`contentBlockDelta`, `metadata`), Llama (`generation`, counts), Mistral (`outputs`/`choices`).
    const nova = obj(json.contentBlockDelta);
    if (nova) return this.keep(str(obj(nova.delta)?.text));
    const novaUsage = obj(obj(json.metadata)?.usage);
    if (novaUsage) this.native = converseUsage(novaUsage);
    const counted = nativeUsage(this.family, json);
    if (counted && !novaUsage) this.native = counted;
    return this.keep(outputTextOf(json) || undefined);
  }

  private keep(text: string | undefined): number {
    if (!text) return PASS;
    if (this.text.length < MAX_TEXT) this.text += text;
    return TOKEN;
  }

  facts(): ResponseFacts {
    const facts: ResponseFacts = {};
    let final = this.usage;
    if (!final && this.native && this.nativeOutput > 0) final = { ...this.native, outputTokens: this.nativeOutput };
    else if (!final && this.native && this.family !== "anthropic") final = this.native;
    if (final) facts.usage = final;
    else if (this.native) facts.partialUsage = this.native;
    if (this.responseModel) facts.responseModel = this.responseModel;
    if (this.errorType) facts.errorType = this.errorType;
    if (this.errorMessage) facts.errorMessage = this.errorMessage;
    return facts;
  }

  outputText(): string {
    return this.text;
  }
}
