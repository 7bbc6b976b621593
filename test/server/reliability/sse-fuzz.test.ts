import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openai as openAiAdapter } from "../../../server/src/providers/openai/adapter.ts";
import { SseParser } from "../../../server/src/lib/sse.ts";

interface Seen {
  event: string | undefined;
  data: string | undefined;
  raw: string;
}

/** Feeds `bytes` to a fresh parser cut at the given offsets; returns every event it reported. */
function parseSplit(bytes: Buffer, cuts: number[]): Seen[] {
  const seen: Seen[] = [];
  const parser = new SseParser((event, data, raw) => seen.push({ event, data, raw }));
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    parser.push(bytes.subarray(from, cut));
    from = cut;
  }
  parser.push(bytes.subarray(from));
  parser.end();
  return seen;
}

// Field values: any Unicode (multi-byte UTF-8, astral characters) except line ends, which would split the line.
const text = fc.string({ unit: "binary", maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, "_"));

const line = fc.oneof(
  fc.record({ kind: fc.constant("data" as const), value: text }),
  fc.record({ kind: fc.constant("event" as const), value: text.map((s) => s.replace(/^ /, "x")) }),
  fc.record({ kind: fc.constant("comment" as const), value: text }),
);

/** One SSE block: 1–4 lines and its terminator style (LF, CRLF or lone CR). */
const block = fc.record({ lines: fc.array(line, { minLength: 1, maxLength: 4 }), eol: fc.constantFrom("\n", "\r\n", "\r") });

function render(blocks: { lines: { kind: string; value: string }[]; eol: string }[]): {
  text: string;
  expected: { event: string | undefined; data: string | undefined }[];
} {
  let out = "";
  const expected: { event: string | undefined; data: string | undefined }[] = [];
  for (const b of blocks) {
    let event: string | undefined;
    let data: string | undefined;
    for (const l of b.lines) {
      if (l.kind === "comment") out += `:${l.value}${b.eol}`;
      else out += `${l.kind}: ${l.value}${b.eol}`;
      if (l.kind === "data") data = data === undefined ? l.value : `${data}\n${l.value}`;
      if (l.kind === "event") event = l.value;
    }
    out += b.eol;
    expected.push({ event, data });
  }
  return { text: out, expected };
}

describe("SseParser under arbitrary chunk boundaries", () => {
  it("never throws and yields the same events however the bytes are split", () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 40 }), (blocks, cuts) => {
        const { text: streamText, expected } = render(blocks);
        const bytes = Buffer.from(streamText, "utf8");
        const whole = parseSplit(bytes, []);
        expect(whole.map(({ event, data }) => ({ event, data }))).toEqual(expected);
        expect(Buffer.from(whole.map((e) => e.raw).join(""), "latin1").equals(bytes)).toBe(true);
        expect(
          parseSplit(
            bytes,
            cuts.map((c) => c % (bytes.length + 1)),
          ),
        ).toEqual(whole);
        // byte by byte: every multi-byte character and every CR/LF pair is split somewhere
        expect(
          parseSplit(
            bytes,
            Array.from({ length: bytes.length }, (_, i) => i),
          ),
        ).toEqual(whole);
      }),
      { numRuns: 400 },
    );
  });

  it("never throws on arbitrary bytes (garbage, invalid UTF-8, truncated events)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
        const buffer = Buffer.from(bytes);
        const whole = parseSplit(buffer, []);
        // every byte is accounted for, exactly: a proxy re-emitting raw events changes nothing
        expect(Buffer.from(whole.map((e) => e.raw).join(""), "latin1").equals(buffer)).toBe(true);
        expect(
          parseSplit(
            buffer,
            cuts.map((c) => c % (buffer.length + 1)),
          ),
        ).toEqual(whole);
      }),
      { numRuns: 400 },
    );
  });
});

const USAGE = {
  prompt_tokens: 1234,
  completion_tokens: 567,
  total_tokens: 1801,
  prompt_tokens_details: { cached_tokens: 200 },
  completion_tokens_details: { reasoning_tokens: 50 },
};

/** A real-shaped OpenAI chat stream: deltas with multi-byte text, the usage-only chunk, [DONE]. */
function openAiStream(words: string[], eol: string): string {
  const chunk = (delta: object, usage: object | null, choices = true) =>
    `data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", model: "gpt-4o-mini-2024-07-18", choices: choices ? [{ index: 0, delta, finish_reason: null }] : [], usage })}${eol}${eol}`;
  let out = chunk({ role: "assistant", content: "" }, null);
  for (const w of words) out += chunk({ content: w }, null);
  out += `: keep-alive${eol}${eol}`;
  out += chunk({}, USAGE, false);
  return out + `data: [DONE]${eol}${eol}`;
}

describe("usage in an OpenAI stream split anywhere", () => {
  it("is found by the meter whatever the chunk boundaries", () => {
    const info = { endpoint: "chat.completions", metered: true, model: "gpt-4o-mini", stream: true, deployment: null };
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "binary", maxLength: 6 }), { maxLength: 6 }),
        fc.constantFrom("\n", "\r\n"),
        fc.array(fc.nat(), { maxLength: 60 }),
        (words, eol, cuts) => {
          const bytes = Buffer.from(openAiStream(words, eol), "utf8");
          const meter = openAiAdapter.createStreamMeter(info, true);
          const parser = new SseParser((event, data) => meter.onEvent(event, data));
          let from = 0;
          for (const cut of [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b)) {
            if (cut <= from) continue;
            parser.push(bytes.subarray(from, cut));
            from = cut;
          }
          parser.push(bytes.subarray(from));
          parser.end();
          const facts = meter.facts();
          expect(facts.usage).toEqual({
            inputTokens: 1234,
            cachedInputTokens: 200,
            cacheWriteTokens: 0,
            cacheWrite1hTokens: 0,
            outputTokens: 567,
            reasoningTokens: 50,
          });
          expect(facts.responseModel).toBe("gpt-4o-mini-2024-07-18");
          expect(meter.outputText()).toBe(words.join(""));
        },
      ),
      { numRuns: 300 },
    );
  });
});
