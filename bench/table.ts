/** Plain-text tables for the bench's output (also pasted as Markdown into docs/performance.md). */
export type Cell = string | number | null | undefined;

export function formatCell(v: Cell, digits = 2): string {
  if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return "–";
  if (typeof v === "string") return v;
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString("en-US");
  return v.toFixed(digits);
}

/** Prints a Markdown table (readable in a terminal as is) under a title. */
export function printTable(title: string, header: string[], rows: Cell[][]): void {
  const text = rows.map((r) => r.map((c) => formatCell(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ") + " |";
  const out = [
    `\n### ${title}\n`,
    line(header),
    "|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|",
    ...text.map(line),
  ];
  process.stdout.write(out.join("\n") + "\n");
}

export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "–";
  return `${(a / b).toFixed(2)}×`;
}
