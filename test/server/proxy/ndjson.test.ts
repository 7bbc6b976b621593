import { describe, expect, it } from "vitest";
import { NdjsonParser } from "../../../server/src/proxy/ndjson.ts";

function parse(chunks: Buffer[], maxLineBytes = 1 << 20): string[] {
  const lines: string[] = [];
  const parser = new NdjsonParser((l) => lines.push(l), maxLineBytes);
  for (const c of chunks) parser.push(c);
  parser.end();
  return lines;
}

const STREAM = '{"response":"Hé","done":false}\n{"response":" 🌈","done":false}\r\n\n{"done":true,"eval_count":2}\n';
const LINES = ['{"response":"Hé","done":false}', '{"response":" 🌈","done":false}', '{"done":true,"eval_count":2}'];

describe("NdjsonParser", () => {
  it("gives the same lines wherever the bytes are split (inside a line, a CRLF, a multi-byte character)", () => {
    const bytes = Buffer.from(STREAM);
    expect(parse([bytes])).toEqual(LINES);
    for (let a = 1; a < bytes.length; a++) {
      for (let b = a; b < bytes.length; b += 5) {
        expect(parse([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)])).toEqual(LINES);
      }
    }
    const single = [...bytes].map((byte) => Buffer.from([byte]));
    expect(parse(single)).toEqual(LINES);
  });

  it("a last line without a line end is read at the end", () => {
    expect(parse([Buffer.from('{"a":1}\n{"done":'), Buffer.from("true}")])).toEqual(['{"a":1}', '{"done":true}']);
  });

  it("does not keep the upstream's buffer: a reused buffer does not change a pending line", () => {
    const lines: string[] = [];
    const parser = new NdjsonParser((l) => lines.push(l), 1000);
    const buf = Buffer.from('{"a":"xy');
    parser.push(buf);
    buf.fill(0x20);
    parser.push(Buffer.from('z"}\n'));
    expect(lines).toEqual(['{"a":"xyz"}']);
  });

  it("drops a line longer than the cap, whole, and reads the next ones", () => {
    const long = '{"context":[' + "1,".repeat(100) + "1]}";
    const stream = Buffer.from(`{"a":1}\n${long}\n{"done":true}\n`);
    expect(parse([stream], 64)).toEqual(['{"a":1}', '{"done":true}']);
    // split so that the long line is pending across chunks when it passes the cap
    const pieces: Buffer[] = [];
    for (let at = 0; at < stream.length; at += 10) pieces.push(stream.subarray(at, at + 10));
    expect(parse(pieces, 64)).toEqual(['{"a":1}', '{"done":true}']);
    // an unterminated long line at the end is dropped too
    expect(parse([Buffer.from(`{"a":1}\n${long}`)], 64)).toEqual(['{"a":1}']);
  });
});
