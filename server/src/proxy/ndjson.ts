/** Receives each complete line of an NDJSON stream, decoded as UTF-8, without its line end (LF or CRLF). */
export type NdjsonLineHandler = (line: string) => void;

/**
 * An incremental newline-delimited JSON splitter (Ollama's native streams, `application/x-ndjson`): bytes
 * may be split anywhere, a line's pieces are joined as bytes before decoding (a chunk boundary inside a
 * multi-byte character shifts nothing). Empty lines are skipped. It keeps only the unfinished line between
 * chunks, and at most `maxLineBytes` of it: a longer line is dropped whole (it passes to the client as
 * always, the meter just does not see it), like a JSON body too large to parse.
 */
export class NdjsonParser {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** inside a line already found too long: everything up to its end is skipped */
  private skipping = false;

  constructor(
    private readonly onLine: NdjsonLineHandler,
    private readonly maxLineBytes: number,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      if (this.skipping) this.skipping = false;
      else if (this.pendingBytes + nl - start > this.maxLineBytes) this.drop();
      else if (this.pendingBytes === 0) this.emit(chunk.toString("utf8", start, nl));
      else {
        this.pending.push(chunk.subarray(start, nl));
        this.emit(Buffer.concat(this.pending).toString("utf8"));
        this.drop();
      }
      start = nl + 1;
    }
    if (start === chunk.length || this.skipping) return;
    if (this.pendingBytes + chunk.length - start > this.maxLineBytes) {
      this.drop();
      this.skipping = true;
      return;
    }
    // A copy: the upstream's buffer may be reused once this turn is over.
    const rest = Buffer.from(chunk.subarray(start));
    this.pending.push(rest);
    this.pendingBytes += rest.length;
  }

  /** The last line, when the stream ended without a final line end. */
  end(): void {
    if (this.pendingBytes > 0 && !this.skipping) this.emit(Buffer.concat(this.pending).toString("utf8"));
    this.drop();
    this.skipping = false;
  }

  private drop(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  private emit(line: string): void {
    const text = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
    if (text.length > 0) this.onLine(text);
  }
}
