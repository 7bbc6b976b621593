/** Small readers for untrusted JSON from providers: wrong types read as absent, never throw. */

/** A non-negative whole token count; anything else is 0. */
export const n = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

export const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

export const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/** Parses a JSON object, or undefined for anything else (garbled data, arrays, scalars). */
export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * Raw event texts a stream meter keeps for estimating output when no usage arrives: references to strings
 * the parser made anyway, parsed only if needed, and bounded so a huge stream cannot grow memory.
 */
export class KeptText {
  private readonly pieces: string[] = [];
  private chars = 0;
  constructor(private readonly maxChars = 4_000_000) {}
  keep(data: string): void {
    if (this.chars > this.maxChars) return;
    this.chars += data.length;
    this.pieces.push(data);
  }
  /** the concatenation of what `extract` finds in each kept piece (garbled pieces contribute nothing) */
  text(extract: (json: Record<string, unknown>) => string): string {
    let out = "";
    for (const piece of this.pieces) {
      const json = parseObject(piece);
      if (json) out += extract(json);
    }
    return out;
  }
  get all(): readonly string[] {
    return this.pieces;
  }
}
