import { describe, expect, it } from "vitest";
import { BodyCapture, captureEvent } from "../../../server/src/recording/body-capture.ts";
import { storedBody } from "../../../server/src/recording/body-record.ts";

const chunk = (content: string) =>
  JSON.stringify({
    id: "c1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  });

function captured(maxBytes: number, events: string[]) {
  const capture = new BodyCapture("POST", "/v1/chat/completions", '{"model":"m","stream":true}', null, maxBytes);
  capture.responseStarts(true, true);
  for (const e of events) captureEvent(capture, e);
  return storedBody(
    {
      callId: "0190a5c6-0000-7000-8000-000000000000",
      startedAt: new Date(),
      format: "openai",
      endpoint: "chat.completions",
      query: "",
      capture,
      responseBytes: 1_000_000,
      errorBody: null,
    },
    maxBytes,
    [],
  );
}

// A stream captured as the proxy parser's event texts is bounded like the raw bytes were, and says so.
describe("streams captured as events", () => {
  it("are assembled whole when under the limit", () => {
    const row = captured(4096, [chunk("Hel"), chunk("lo"), "[DONE]"]);
    expect(row).toMatchObject({ responseAssembled: true, responseTruncated: false });
    expect(JSON.parse(row.responseBody as string).choices[0].message.content).toBe("Hello");
  });

  it("stop keeping events past TOLLGATE_BODY_MAX_BYTES × 16 characters and flag the body truncated", () => {
    const events = Array.from({ length: 100 }, (_, i) => chunk(`w${i} `));
    const row = captured(512, events); // keeps up to 8,192 characters of events: about 60 of these
    expect(row.responseTruncated).toBe(true);
    const content = JSON.parse(row.responseBody as string).choices[0].message.content as string;
    expect(content.startsWith("w0 w1 ")).toBe(true);
    expect(content).not.toContain("w99");
  });
});
