import { isAscii } from "node:buffer";

/**
 * Receives each complete SSE block: its `event` field and data (undefined when absent, e.g. a block of
 * comment lines), decoded as UTF-8, and its raw bytes, terminator included, as a latin1 string
 * (`Buffer.from(raw, "latin1")` gives back exactly the bytes that arrived, invalid UTF-8 and all).
 */
export type SseEventHandler = (event: string | undefined, data: string | undefined, raw: string) => void;

/**
 * An incremental Server-Sent Events parser (WHATWG rules: LF, CRLF or CR line ends; multi-line data;
 * comment lines ignored). Bytes may be split anywhere. It scans bytes as latin1 (one char per byte, so
 * a chunk boundary inside a multi-byte character or garbage bytes cannot shift anything) and decodes
 * field values as UTF-8 once a block is complete. It keeps only the unfinished tail between chunks.
 */
export class SseParser {
  private tail = "";
  /** whether the tail is all ASCII (else the fields of the event it starts need decoding as UTF-8) */
  private tailAscii = true;
  /** whether the text being consumed is all ASCII: checked once per chunk, natively, not per field */
  private ascii = true;
  constructor(private readonly onEvent: SseEventHandler) {}

  push(chunk: Buffer): void {
    const chunkAscii = isAscii(chunk);
    this.ascii = chunkAscii && (this.tail.length === 0 || this.tailAscii);
    const text = this.tail.length === 0 ? chunk.toString("latin1") : this.tail + chunk.toString("latin1");
    this.tail = this.consume(text);
    // The tail is a suffix of this text: ASCII if the whole was, else checked on its own (rare).
    this.tailAscii = this.ascii || !NON_ASCII.test(this.tail);
  }

  /** The unparsed remainder at the end of the stream (an event without its blank line, if any). */
  end(): void {
    const rest = this.tail;
    this.tail = "";
    this.ascii = this.tailAscii;
    if (rest.length > 0) this.dispatch(rest, rest);
  }

  private consume(text: string): string {
    let start = 0;
    for (;;) {
      const boundary = findBlankLine(text, start);
      if (boundary === -1) return start === 0 ? text : text.slice(start);
      const raw = text.slice(start, boundary.end);
      this.dispatch(text.slice(start, boundary.at), raw);
      start = boundary.end;
    }
  }

  private dispatch(block: string, raw: string): void {
    let event: string | undefined;
    let data: string | undefined;
    let pos = 0;
    // Line ends found natively (indexOf) unless the block has a CR, which few providers send.
    const lfOnly = block.indexOf("\r") === -1;
    while (pos < block.length) {
      let eol: number;
      if (lfOnly) {
        eol = block.indexOf("\n", pos);
        if (eol === -1) eol = block.length;
      } else {
        eol = pos;
        while (eol < block.length && block.charCodeAt(eol) !== 10 && block.charCodeAt(eol) !== 13) eol++;
      }
      const line = block.slice(pos, eol);
      pos = eol + (block.charCodeAt(eol) === 13 && block.charCodeAt(eol + 1) === 10 ? 2 : 1);
      if (line.length === 0 || line.charCodeAt(0) === 58 /* ':' comment */) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
      if (field === "data") data = data === undefined ? value : data + "\n" + value;
      else if (field === "event") event = value;
    }
    if (this.ascii) this.onEvent(event, data, raw);
    else this.onEvent(event === undefined ? undefined : utf8(event), data === undefined ? undefined : utf8(data), raw);
  }
}

/** Finds the next blank line (two line ends in a row) at or after `from`. */
function findBlankLine(text: string, from: number): { at: number; end: number } | -1 {
  const lf = text.indexOf("\n\n", from);
  // Fast path: plain LF streams (OpenAI, Anthropic, Gemini) never contain CR.
  if (text.indexOf("\r", from) === -1) return lf === -1 ? -1 : { at: lf, end: lf + 2 };
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    const first = c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
    const j = i + first;
    if (j >= text.length) return -1; // the next line end may still be coming
    const d = text.charCodeAt(j);
    if (d === 10) return { at: i, end: j + 1 };
    if (d === 13) {
      if (j + 1 >= text.length) return -1; // CR could be the start of CRLF
      return { at: i, end: j + (text.charCodeAt(j + 1) === 10 ? 2 : 1) };
    }
    i = j - 1;
  }
  return -1;
}

const NON_ASCII = /[\x80-\xff]/;

/** A latin1 string of UTF-8 bytes → the text they encode (ASCII, the common case, needs no work). */
function utf8(bytes: string): string {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, "latin1").toString("utf8") : bytes;
}
