// Whether two API paths ask the same question over a different time window. Auto-refresh moves a
// preset's window every 30 s; the page keeps showing the previous answer while the new one loads
// instead of flashing a loading state.

const WINDOW_PARAMS = ["from", "to"];

/** The path without its time window: "/api/spend?from=…&to=…&groupBy=app" → "/api/spend?groupBy=app". */
export function queryShape(path: string): string {
  const q = path.indexOf("?");
  if (q === -1) return path;
  const params = new URLSearchParams(path.slice(q + 1));
  for (const p of WINDOW_PARAMS) params.delete(p);
  params.sort();
  const rest = params.toString();
  return rest ? `${path.slice(0, q)}?${rest}` : path.slice(0, q);
}

export function sameQueryShape(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && queryShape(a) === queryShape(b);
}
