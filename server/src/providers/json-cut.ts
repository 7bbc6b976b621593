/**
 * Reads the small top-level members of a JSON object body (usage, model…) without parsing or decoding its
 * large arrays (embedding vectors): the members are walked from the start and from the end, each walk
 * stopping at the first array (or object larger than OBJECT_LIMIT) it meets. Only the slices of the wanted
 * members are decoded and parsed. The bytes between the two stops are checked without parsing them (see
 * unreadIsClean): where a wanted key may hide there, or anything is not clean JSON where it was walked, the
 * answer is undefined and the caller parses the body whole. Duplicate keys resolve as JSON.parse does (the
 * last wins).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const ARRAY_OPEN = 0x5b;
const ARRAY_CLOSE = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
/** objects are scanned byte by byte; one larger than this stops the walk like an array */
const OBJECT_LIMIT = 64 * 1024;

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** a byte of a number, true, false or null */
const isLiteral = (c: number | undefined): boolean =>
  c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x45);

function skip(b: Buffer, i: number): number {
  while (isSpace(b[i])) i++;
  return i;
}

function skipBack(b: Buffer, i: number): number {
  while (isSpace(b[i])) i--;
  return i;
}

/** Whether the quote at `at` is escaped: an odd run of backslashes before it (only strings hold them). */
function escaped(b: Buffer, at: number): boolean {
  let k = at - 1;
  while (k >= 0 && b[k] === BACKSLASH) k--;
  return (at - 1 - k) % 2 === 1;
}

/** The index of the quote closing the string that opens at `open`, or -1. */
function stringEnd(b: Buffer, open: number): number {
  let i = open;
  do i = b.indexOf(QUOTE, i + 1);
  while (i !== -1 && escaped(b, i));
  return i;
}

/** The index of the quote opening the string that closes at `close`, or -1. */
function stringStart(b: Buffer, close: number): number {
  let i = close;
  do i = i > 0 ? b.lastIndexOf(QUOTE, i - 1) : -1;
  while (i !== -1 && escaped(b, i));
  return i;
}

/** The index of the brace matching the one at `at`, scanning forward (step 1) or back (-1); -1 past the limit. */
function matchingBrace(b: Buffer, at: number, step: 1 | -1): number {
  let depth = 0;
  const stop = step === 1 ? Math.min(b.length, at + OBJECT_LIMIT) : Math.max(-1, at - OBJECT_LIMIT);
  for (let i = at; step === 1 ? i < stop : i > stop; i += step) {
    const c = b[i];
    if (c === QUOTE) {
      i = step === 1 ? stringEnd(b, i) : stringStart(b, i);
      if (i === -1) return -1;
    } else if (c === OPEN || c === CLOSE) {
      depth += (c === OPEN) === (step === 1) ? 1 : -1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function parse(b: Buffer, start: number, end: number): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(b.toString("utf8", start, end)) };
  } catch {
    return undefined;
  }
}

type Members = Array<[string, unknown]>;
/** A walk's end: "done" when it crossed the whole object, else the offset where it stopped, or "bad". */
type Walk = number | "done" | "bad";

/** Adds a member if wanted; false when its key or value is not clean JSON. */
function keep(b: Buffer, key: [number, number], value: [number, number], wanted: ReadonlySet<string>, into: Members): boolean {
  const k = parse(b, key[0], key[1]);
  if (typeof k?.value !== "string") return false;
  if (!wanted.has(k.value)) return true;
  const v = parse(b, value[0], value[1]);
  if (!v) return false;
  into.push([k.value, v.value]);
  return true;
}

function walkForward(b: Buffer, wanted: ReadonlySet<string>, into: Members): Walk {
  let i = skip(b, 0);
  if (b[i] !== OPEN) return "bad";
  i = skip(b, i + 1);
  if (b[i] === CLOSE) return skip(b, i + 1) === b.length ? "done" : "bad";
  for (;;) {
    if (b[i] !== QUOTE) return "bad";
    const keyEnd = stringEnd(b, i);
    if (keyEnd === -1) return "bad";
    let v = skip(b, keyEnd + 1);
    if (b[v] !== COLON) return "bad";
    v = skip(b, v + 1);
    const c = b[v];
    let end: number;
    if (c === ARRAY_OPEN) return v;
    if (c === OPEN) {
      const close = matchingBrace(b, v, 1);
      if (close === -1) return v;
      end = close + 1;
    } else if (c === QUOTE) {
      end = stringEnd(b, v) + 1;
      if (end === 0) return "bad";
    } else {
      for (end = v; isLiteral(b[end]);) end++;
      if (end === v) return "bad";
    }
    if (!keep(b, [i, keyEnd + 1], [v, end], wanted, into)) return "bad";
    i = skip(b, end);
    if (b[i] === CLOSE) return skip(b, i + 1) === b.length ? "done" : "bad";
    if (b[i] !== COMMA) return "bad";
    i = skip(b, i + 1);
  }
}

/** Members are added last first. */
function walkBack(b: Buffer, wanted: ReadonlySet<string>, into: Members): Walk {
  let j = skipBack(b, b.length - 1);
  if (b[j] !== CLOSE) return "bad";
  j = skipBack(b, j - 1);
  if (b[j] === OPEN) return "done";
  for (;;) {
    const c = b[j];
    let start: number;
    if (c === ARRAY_CLOSE) return j + 1;
    if (c === CLOSE) {
      start = matchingBrace(b, j, -1);
      if (start === -1) return j + 1;
    } else if (c === QUOTE) {
      start = stringStart(b, j);
      if (start === -1) return "bad";
    } else {
      for (start = j; isLiteral(b[start - 1]);) start--;
      if (!isLiteral(c)) return "bad";
    }
    let k = skipBack(b, start - 1);
    if (b[k] !== COLON) return "bad";
    k = skipBack(b, k - 1);
    const keyStart = b[k] === QUOTE ? stringStart(b, k) : -1;
    if (keyStart === -1 || !keep(b, [keyStart, k + 1], [start, j + 1], wanted, into)) return "bad";
    j = skipBack(b, keyStart - 1);
    if (b[j] === OPEN) return "done";
    if (b[j] !== COMMA) return "bad";
    j = skipBack(b, j - 1);
  }
}

/** How many of `byte` lie between `from` and `to` outside the strings `spans` (open, close, open, close…). */
function countOutside(b: Buffer, byte: number, from: number, to: number, spans: readonly number[]): number {
  let n = 0;
  let s = 0;
  for (let i = b.indexOf(byte, from); i !== -1 && i < to; i = b.indexOf(byte, i + 1)) {
    while (s < spans.length && (spans[s + 1] as number) < i) s += 2;
    if (s < spans.length && (spans[s] as number) < i) continue;
    n++;
  }
  return n;
}

/**
 * Whether the unread bytes, from the value where the forward walk stopped (inside the top-level object) to
 * where the backward walk stopped, are whole values that hide no guarded key: their brackets and braces
 * outside strings balance, so the members walked back from the end are top-level ones (a body cut inside
 * its vectors does not balance); no string is a guarded name; and no \u escape could spell one. Strings are
 * found quote by quote and brackets byte by byte with memchr: vectors hold few of either. (Buffer.includes is
 * slow for some needles: ≈2 ms for `"x_groq"` over 3 MB of floats against 0.1 ms for `"usage"`, measured.)
 */
function unreadIsClean(b: Buffer, from: number, to: number, guards: readonly string[]): boolean {
  for (let i = b.indexOf(BACKSLASH, from); i !== -1 && i < to; i = b.indexOf(BACKSLASH, i + 1)) if (b[i + 1] === 0x75) return false;
  const spans: number[] = [];
  for (let q = b.indexOf(QUOTE, from); q !== -1 && q < to; q = b.indexOf(QUOTE, q + 1)) {
    const close = stringEnd(b, q);
    if (close === -1 || close >= to) return false;
    for (const key of guards)
      if (close - q - 1 === key.length && b[q + 1] === key.charCodeAt(0) && b.toString("latin1", q + 1, close) === key) return false;
    spans.push(q, close);
    q = close;
  }
  return (
    countOutside(b, ARRAY_OPEN, from, to, spans) === countOutside(b, ARRAY_CLOSE, from, to, spans) &&
    countOutside(b, OPEN, from, to, spans) === countOutside(b, CLOSE, from, to, spans)
  );
}

/**
 * The wanted top-level members of the JSON object in `body` (absent ones are absent), or undefined when they
 * cannot be told apart cleanly. `guards`: keys (by default the wanted ones) whose quoted name must not occur
 * in the bytes left unread, nor may any \u escape (a key could be spelled with one).
 */
export function readTopLevel(
  body: Buffer,
  wanted: readonly string[],
  guards: readonly string[] = wanted,
): Record<string, unknown> | undefined {
  const want = new Set(wanted);
  const front: Members = [];
  const from = walkForward(body, want, front);
  if (from === "bad") return undefined;
  const back: Members = [];
  if (from !== "done") {
    const to = walkBack(body, want, back);
    if (typeof to !== "number" || to <= from) return undefined;
    if (!unreadIsClean(body, from, to, guards)) return undefined;
  }
  const top: Record<string, unknown> = {};
  for (const [key, value] of front) top[key] = value;
  for (let m = back.length - 1; m >= 0; m--) top[back[m]![0]] = back[m]![1];
  return top;
}
