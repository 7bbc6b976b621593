/**
 * Folds an Anthropic Messages stream (also Claude on Vertex) back into the message the same call answers
 * without streaming: message_start's message, each content block whole (text joined, tool_use input parsed
 * from its JSON deltas, thinking joined), message_delta's stop reason and final usage.
 */

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

export function assembleAnthropic(events: readonly unknown[]): Json {
  let message: Json = { type: "message", role: "assistant" };
  const blocks = new Map<number, Json>();
  const partialJson = new Map<number, string>();
  for (const e of events) {
    const event = obj(e);
    if (!event) continue;
    switch (event.type) {
      case "message_start":
        message = { ...message, ...(obj(event.message) ?? {}) };
        break;
      case "content_block_start": {
        const index = Number(event.index ?? blocks.size);
        blocks.set(index, { ...(obj(event.content_block) ?? {}) });
        break;
      }
      case "content_block_delta": {
        const index = Number(event.index ?? 0);
        const block = blocks.get(index) ?? {};
        blocks.set(index, block);
        const delta = obj(event.delta) ?? {};
        if (delta.type === "text_delta") block.text = String(block.text ?? "") + String(delta.text ?? "");
        else if (delta.type === "input_json_delta")
          partialJson.set(index, (partialJson.get(index) ?? "") + String(delta.partial_json ?? ""));
        else if (delta.type === "thinking_delta") block.thinking = String(block.thinking ?? "") + String(delta.thinking ?? "");
        else if (delta.type === "signature_delta") block.signature = delta.signature;
        else if (delta.type === "citations_delta")
          block.citations = [...(Array.isArray(block.citations) ? block.citations : []), delta.citation];
        break;
      }
      case "message_delta": {
        const delta = obj(event.delta) ?? {};
        message = { ...message, ...delta };
        if (obj(event.usage)) message.usage = { ...(obj(message.usage) ?? {}), ...(obj(event.usage) as Json) };
        break;
      }
      case "error":
        message.error = event.error;
        break;
    }
  }
  for (const [index, json] of partialJson) {
    const block = blocks.get(index);
    if (!block) continue;
    try {
      block.input = json === "" ? {} : (JSON.parse(json) as unknown);
    } catch {
      block.input = json; // a stream cut mid-way: the JSON as far as it came
    }
  }
  message.content = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, b]) => b);
  return message;
}
