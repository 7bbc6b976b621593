import { EventStreamDecoder } from "../providers/bedrock/eventstream.ts";

/**
 * A Bedrock event stream (binary: it cannot be stored as text) as the list of its messages: `{event, data}`
 * with the payload's JSON, a streamed invoke's base64 `bytes` decoded to the model's own event. Undefined
 * when the bytes are not an event stream (a JSON answer, or one cut inside a message's prelude).
 */
export function assembleBedrock(bytes: Buffer): unknown[] | undefined {
  const events: unknown[] = [];
  const decoder = new EventStreamDecoder(({ headers, payload }) => {
    const event = headers[":event-type"] ?? headers[":exception-type"] ?? headers[":error-code"] ?? "";
    let data: unknown = payload.toString("utf8");
    try {
      data = JSON.parse(data as string);
      const inner = (data as { bytes?: unknown }).bytes;
      if (event === "chunk" && typeof inner === "string") data = JSON.parse(Buffer.from(inner, "base64").toString("utf8"));
    } catch {
      // kept as text
    }
    events.push({ event, data });
  });
  try {
    decoder.push(bytes);
    decoder.end();
  } catch {
    return undefined;
  }
  return events.length > 0 ? events : undefined;
}
