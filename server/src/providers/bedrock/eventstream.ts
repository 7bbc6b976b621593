import { crc32 } from "node:zlib";

/** One decoded message of an `application/vnd.amazon.eventstream` body: its string headers and payload. */
export interface EventStreamMessage {
  headers: Record<string, string>;
  payload: Buffer;
}

/** prelude (total length, headers length, prelude CRC) + message CRC */
const PRELUDE = 12;
const OVERHEAD = 16;
/** AWS caps one message at 16 MiB; a larger length means the bytes are not an event stream. */
const MAX_MESSAGE = 16 * 1024 * 1024;

/**
 * An incremental decoder for AWS's binary event-stream encoding. Each message is: total length (u32 BE),
 * headers length (u32 BE), CRC32 of those 8 bytes, the headers, the payload, and the CRC32 of everything
 * before it. A message may be split across chunks anywhere (it is kept until whole); the bytes themselves
 * are relayed by the caller unchanged. Throws on a bad length or CRC: the caller stops metering.
 */
export class EventStreamDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly onMessage: (message: EventStreamMessage) => void) {}

  push(chunk: Buffer): void {
    if (this.pendingBytes === 0) {
      let at = 0;
      // Whole messages are decoded straight from the chunk, without copying.
      while (chunk.length - at >= PRELUDE) {
        const total = messageLength(chunk, at);
        if (chunk.length - at < total) break;
        this.onMessage(decodeMessage(chunk.subarray(at, at + total)));
        at += total;
      }
      if (at < chunk.length) this.keep(chunk.subarray(at));
      return;
    }
    this.keep(chunk);
    if (this.pendingBytes < PRELUDE) return;
    let buffered = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    let at = 0;
    while (buffered.length - at >= PRELUDE) {
      const total = messageLength(buffered, at);
      if (buffered.length - at < total) break;
      this.onMessage(decodeMessage(buffered.subarray(at, at + total)));
      at += total;
    }
    if (at < buffered.length) {
      buffered = buffered.subarray(at);
      this.pending.push(buffered);
      this.pendingBytes = buffered.length;
    }
  }

  /** The body ended: a partial message left over is a cut stream, dropped (nothing to meter in it). */
  end(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  private keep(bytes: Buffer): void {
    // A copy: the upstream's buffer may be reused once this turn is over.
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
  }
}

/** The total length of the message at `at`, its prelude checked. */
function messageLength(buf: Buffer, at: number): number {
  const total = buf.readUInt32BE(at);
  const headers = buf.readUInt32BE(at + 4);
  if (crc32(buf.subarray(at, at + 8)) !== buf.readUInt32BE(at + 8)) throw new Error("event stream: prelude CRC mismatch");
  if (total < OVERHEAD || total > MAX_MESSAGE || headers > total - OVERHEAD) throw new Error(`event stream: bad message length ${total}`);
  return total;
}

/** Decodes one whole message (its prelude already checked). */
export function decodeMessage(msg: Buffer): EventStreamMessage {
  const end = msg.length - 4;
  if (crc32(msg.subarray(0, end)) !== msg.readUInt32BE(end)) throw new Error("event stream: message CRC mismatch");
  const headersEnd = PRELUDE + msg.readUInt32BE(4);
  return { headers: decodeHeaders(msg, PRELUDE, headersEnd), payload: msg.subarray(headersEnd, end) };
}

/** Header values by type: only strings matter for metering; other types are skipped by their size. */
const FIXED_SIZES: Readonly<Record<number, number>> = { 0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16 };
const BYTES = 6;
const STRING = 7;

function decodeHeaders(msg: Buffer, start: number, end: number): Record<string, string> {
  const out: Record<string, string> = {};
  let p = start;
  while (p < end) {
    const nameLength = msg.readUInt8(p);
    const name = msg.toString("utf8", p + 1, p + 1 + nameLength);
    p += 1 + nameLength;
    const type = msg.readUInt8(p++);
    if (type === STRING || type === BYTES) {
      const length = msg.readUInt16BE(p);
      if (type === STRING) out[name] = msg.toString("utf8", p + 2, p + 2 + length);
      p += 2 + length;
    } else {
      const size = FIXED_SIZES[type];
      if (size === undefined) throw new Error(`event stream: unknown header type ${type}`);
      p += size;
    }
  }
  if (p !== end) throw new Error("event stream: headers overrun");
  return out;
}
