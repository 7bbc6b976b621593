/**
 * Postgres array literals (`{1,"a b",NULL}`) built in one pass over the rows: the parameters of the batch
 * insert's `unnest($1::text[], …)`. node-postgres builds the same text from a JS array, but sends every
 * element through its generic prepareValue (type tests, two regex replaces, a local-time date format) — the
 * largest share of the recorder's Node CPU per batch, on the proxy's event loop.
 */

const NEEDS_ESCAPE = /["\\]/;

/** A string as a quoted array element (quoted always: an unquoted "NULL", "" or "a,b" would change meaning). */
function quoted(s: string): string {
  return NEEDS_ESCAPE.test(s) ? `"${s.replace(/["\\]/g, "\\$&")}"` : `"${s}"`;
}

/** One element as Postgres reads it back: numbers and booleans bare, dates in UTC ISO-8601, null as NULL. */
export function arrayElement(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") return String(v); // digits, sign, point, exponent, NaN, Infinity: nothing to quote
  if (typeof v === "boolean") return v ? "t" : "f";
  if (typeof v === "string") return quoted(v);
  // An invalid Date (a damaged spool line) must reach Postgres as a value it rejects (a data error the
  // replayer sets aside), not throw here as if the database were down.
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? `"invalid date"` : v.toISOString();
  return quoted(JSON.stringify(v));
}

/** The array literal of `get(row)` over `rows`. */
export function arrayLiteral<T>(rows: readonly T[], get: (row: T) => unknown): string {
  let out = "{";
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) out += ",";
    out += arrayElement(get(rows[i] as T));
  }
  return out + "}";
}

/** A list of strings as one text[] literal (`{"stop","length"}`); empty or absent is `{}`. */
export function textArrayLiteral(values: readonly string[] | null | undefined): string {
  if (!values || values.length === 0) return "{}";
  let out = "{";
  for (let i = 0; i < values.length; i++) out += (i > 0 ? "," : "") + quoted(values[i] as string);
  return out + "}";
}
