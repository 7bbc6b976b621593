import { describe, expect, it } from "vitest";
import { EventStreamDecoder, type EventStreamMessage } from "../../../server/src/providers/bedrock/eventstream.ts";
import { familyOf, parseBedrockPath } from "../../../server/src/providers/bedrock/model-id.ts";
import { eventMessage } from "../../support/fake-bedrock.ts";

const messages = [
  eventMessage(
    { ":event-type": "messageStart", ":content-type": "application/json", ":message-type": "event" },
    Buffer.from('{"role":"assistant"}'),
  ),
  eventMessage({ ":event-type": "contentBlockDelta", ":message-type": "event" }, Buffer.from('{"delta":{"text":"héllo"}}')),
  eventMessage({ ":event-type": "metadata", ":message-type": "event" }, Buffer.from('{"usage":{"inputTokens":3,"outputTokens":5}}')),
];
const all = Buffer.concat(messages);

function decodeAll(pieces: Buffer[]): EventStreamMessage[] {
  const out: EventStreamMessage[] = [];
  const decoder = new EventStreamDecoder((m) => out.push({ headers: m.headers, payload: Buffer.from(m.payload) }));
  for (const p of pieces) decoder.push(p);
  decoder.end();
  return out;
}

describe("the event-stream decoder", () => {
  it("decodes messages split at every possible byte boundary, and byte by byte", () => {
    const whole = decodeAll([all]);
    expect(whole.map((m) => m.headers[":event-type"])).toEqual(["messageStart", "contentBlockDelta", "metadata"]);
    expect(whole[1]!.payload.toString("utf8")).toBe('{"delta":{"text":"héllo"}}');
    for (let cut = 1; cut < all.length; cut++) expect(decodeAll([all.subarray(0, cut), all.subarray(cut)])).toEqual(whole);
    expect(decodeAll([...all].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it("refuses a corrupted prelude or message CRC", () => {
    const badPrelude = Buffer.from(all);
    badPrelude[9] = badPrelude[9]! ^ 0xff;
    expect(() => decodeAll([badPrelude])).toThrow(/prelude CRC/);
    const badMessage = Buffer.from(all);
    badMessage[20] = badMessage[20]! ^ 0xff;
    expect(() => decodeAll([badMessage])).toThrow(/message CRC/);
  });

  it("drops a message cut short at the end", () => {
    expect(decodeAll([all.subarray(0, all.length - 3)])).toHaveLength(2);
  });
});

describe("Bedrock model ids in paths", () => {
  it("decodes the id once, as Bedrock does", () => {
    expect(parseBedrockPath("/model/us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream")).toEqual({
      operation: "converse-stream",
      modelId: "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
    });
    expect(
      parseBedrockPath(
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.meta.llama3-1-70b-instruct-v1%3A0/invoke",
      )?.modelId,
    ).toBe("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-1-70b-instruct-v1:0");
    expect(parseBedrockPath("/model/amazon.nova-pro-v1:0/invoke")?.modelId).toBe("amazon.nova-pro-v1:0");
  });

  it("refuses double escapes, dot segments and other operations", () => {
    expect(parseBedrockPath("/model/a%253A0/converse")).toBeNull();
    expect(parseBedrockPath("/model/%2E%2E%2Fx/converse")).toBeNull();
    expect(parseBedrockPath("/model/amazon.nova-pro-v1:0/count-tokens")).toBeNull();
    expect(parseBedrockPath("/model/amazon.nova-pro-v1:0/converse/extra")).toBeNull();
  });

  it("reads the family behind inference-profile prefixes and ARNs", () => {
    expect(familyOf("eu.anthropic.claude-3-5-sonnet-20240620-v1:0")).toBe("anthropic");
    expect(familyOf("amazon.nova-pro-v1:0")).toBe("amazon");
    expect(familyOf("arn:aws:bedrock:us-east-1:1:inference-profile/us.meta.llama3-1-70b-instruct-v1:0")).toBe("meta");
    expect(familyOf("mistral.mistral-large-2407-v1:0")).toBe("mistral");
    expect(familyOf("cohere.command-r-v1:0")).toBe("other");
  });
});
