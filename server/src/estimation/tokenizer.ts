import { createRequire } from "node:module";
import type { Tiktoken, TiktokenEncoding } from "tiktoken";

/**
 * Local token counting for calls whose provider reported no usage (a stream cut off, a client that left, a
 * provider that sends none). Counts are estimates: exact for OpenAI's models when the text is what the model
 * saw, an approximation (o200k_base) for every other provider's models.
 */

/** Model-name prefixes and their encodings, most specific first. Our own table: new names never throw. */
const ENCODING_PREFIXES: ReadonlyArray<readonly [string, TiktokenEncoding]> = [
  ["gpt-4o", "o200k_base"],
  ["chatgpt-4o", "o200k_base"],
  ["gpt-4.1", "o200k_base"],
  ["gpt-4.5", "o200k_base"],
  ["gpt-5", "o200k_base"],
  ["gpt-oss", "o200k_base"],
  ["o1", "o200k_base"],
  ["o3", "o200k_base"],
  ["o4", "o200k_base"],
  ["gpt-4", "cl100k_base"],
  ["gpt-3.5", "cl100k_base"],
  ["gpt-35", "cl100k_base"], // Azure spells it without the dot
  ["text-embedding-", "cl100k_base"],
];

/** The encoding for a model; anything unknown (other providers' models) is approximated with o200k_base. */
export function encodingForModel(model: string | null | undefined): TiktokenEncoding {
  if (!model) return "o200k_base";
  const lower = model.trim().toLowerCase();
  const name = lower.slice(lower.lastIndexOf("/") + 1); // "openai/gpt-4o" (OpenRouter), "models/…"
  for (const [prefix, encoding] of ENCODING_PREFIXES) if (name.startsWith(prefix)) return encoding;
  return "o200k_base";
}

/** Longest run without whitespace encoded in one piece: BPE merging slows down quadratically on long runs. */
export const MAX_RUN_CHARS = 256;
/**
 * Text beyond this is not encoded: its count is extrapolated from the encoded part. Encoding costs about
 * 1 µs per character (measured: 100k characters of prose in 70–110 ms), so this bounds one estimate to
 * roughly 0.2 s of the tokenizer worker's time even for a 32 MiB request.
 */
export const MAX_ENCODED_CHARS = 200_000;

const LONG_RUN = new RegExp(`\\S{${MAX_RUN_CHARS + 1},}`, "g");

const require = createRequire(import.meta.url);
let tiktoken: typeof import("tiktoken") | undefined;
const encoders = new Map<TiktokenEncoding, Tiktoken>();

/** The encoder, created on first use: the WASM module loads once, each encoding's ranks once. */
function encoder(encoding: TiktokenEncoding): Tiktoken {
  let enc = encoders.get(encoding);
  if (!enc) {
    tiktoken ??= require("tiktoken") as typeof import("tiktoken");
    enc = tiktoken.get_encoding(encoding);
    encoders.set(encoding, enc);
  }
  return enc;
}

/**
 * Loads the WASM module and both encodings now (the first o200k_base load takes about 2 s of CPU). The
 * server calls it only inside the estimator's worker thread, never on the event loop. Returns the ms taken.
 */
export function preloadTokenizer(): number {
  const started = performance.now();
  encoder("o200k_base");
  encoder("cl100k_base");
  return Math.round(performance.now() - started);
}

function encodeLength(enc: Tiktoken, text: string): number {
  // encode_ordinary: text that happens to contain "<|endoftext|>" is counted as text, never rejected.
  return text.length === 0 ? 0 : enc.encode_ordinary(text).length;
}

/**
 * The part of a text that is encoded, and the whole text's length. Taking it is cheap (one slice), so the
 * caller can hand a bounded sample to the tokenizer's worker thread instead of a 32 MiB request body.
 */
export interface TextSample {
  head: string;
  length: number;
}

export function sampleText(text: string): TextSample {
  return { head: text.length > MAX_ENCODED_CHARS ? text.slice(0, MAX_ENCODED_CHARS) : text, length: text.length };
}

/**
 * Separates pieces of a text that the model reads apart (a message's role from its content, a tool call's
 * name from its arguments): each piece is encoded on its own, as OpenAI's counting rule does, so no token
 * spans two pieces and no separator is counted. NUL, which real text almost never holds; where it does, the
 * text is merely split there.
 */
export const PIECE_BREAK = "\u0000";

/**
 * Counts the tokens of a sample with `encoding`: each piece (see PIECE_BREAK) on its own. Runs without
 * whitespace longer than MAX_RUN_CHARS are encoded in MAX_RUN_CHARS pieces (a 100k-character run would
 * otherwise take seconds); a text longer than its head is extrapolated from the head's count.
 */
export function countSample({ head, length }: TextSample, encoding: TiktokenEncoding = "o200k_base"): number {
  if (head.length === 0) return 0;
  const enc = encoder(encoding);
  let count = 0;
  if (head.includes(PIECE_BREAK)) for (const piece of head.split(PIECE_BREAK)) count += countPiece(enc, piece);
  else count = countPiece(enc, head);
  if (head.length < length) count = Math.ceil((count * length) / head.length);
  return count;
}

function countPiece(enc: Tiktoken, text: string): number {
  let count = 0;
  let from = 0;
  LONG_RUN.lastIndex = 0;
  for (let m = LONG_RUN.exec(text); m !== null; m = LONG_RUN.exec(text)) {
    count += encodeLength(enc, text.slice(from, m.index));
    const run = m[0];
    for (let i = 0; i < run.length; i += MAX_RUN_CHARS) count += encodeLength(enc, run.slice(i, i + MAX_RUN_CHARS));
    from = m.index + run.length;
  }
  return count + encodeLength(enc, text.slice(from));
}

/** Counts the tokens of `text` with `encoding` (see countSample). */
export function countTokens(text: string, encoding: TiktokenEncoding = "o200k_base"): number {
  return countSample(sampleText(text), encoding);
}

/** OpenAI's chat overhead: every message costs 3 tokens beyond its text, and the reply is primed with 3. */
export const TOKENS_PER_MESSAGE = 3;
export const REPLY_PRIMING_TOKENS = 3;

/** OpenAI's per-message overhead of a conversation; requests without messages (embeddings) have none. */
export function messageOverhead(messages: number): number {
  return messages > 0 ? messages * TOKENS_PER_MESSAGE + REPLY_PRIMING_TOKENS : 0;
}
