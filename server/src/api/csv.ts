import type { Request, Response } from "express";

/**
 * CSV (RFC 4180: comma-separated, CRLF line ends, quotes doubled) written as it is produced. Text cells
 * that a spreadsheet would run as a formula (starting with = + - @, or a tab / carriage return) get a
 * leading apostrophe; numbers and decimal money are written as they are, so they stay exact and numeric.
 */
export type CellKind = "text" | "number" | "money" | "time" | "bool" | "json";

export interface CsvColumn<Row> {
  header: string;
  kind: CellKind;
  value(row: Row): unknown;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvCell(value: unknown, kind: CellKind): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (kind === "time") text = value instanceof Date ? value.toISOString() : String(value);
  else if (kind === "json") text = typeof value === "string" ? value : JSON.stringify(value);
  else text = String(value);
  if ((kind === "text" || kind === "json") && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine<Row>(columns: ReadonlyArray<CsvColumn<Row>>, row: Row): string {
  return columns.map((c) => csvCell(c.value(row), c.kind)).join(",") + "\r\n";
}

export function csvHeader<Row>(columns: ReadonlyArray<CsvColumn<Row>>): string {
  return columns.map((c) => csvCell(c.header, "text")).join(",") + "\r\n";
}

/** Whether the client asked for CSV: a `.csv` path or an Accept header preferring text/csv over JSON. */
export function wantsCsv(req: Request): boolean {
  if (req.path.endsWith(".csv")) return true;
  return req.accepts(["application/json", "text/csv"]) === "text/csv";
}

/** Starts a CSV download response. */
export function startCsv(res: Response, filename: string): void {
  res.status(200);
  res.setHeader("Content-Type", "text/csv; charset=utf-8");
  res.setHeader("Content-Disposition", `attachment; filename="${filename}"`);
  res.setHeader("Cache-Control", "no-store");
}

/** Writes a chunk, waiting for the socket to drain when its buffer is full (a slow client bounds memory). */
export async function writeChunk(res: Response, chunk: string): Promise<void> {
  if (res.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      if (res.destroyed && !res.writableFinished) reject(new Error("client went away"));
      else resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Writes header and rows, flushing in chunks of about 64 KiB. */
export async function writeCsvRows<Row>(
  res: Response,
  columns: ReadonlyArray<CsvColumn<Row>>,
  rows: Iterable<Row>,
  withHeader = true,
): Promise<void> {
  let chunk = withHeader ? csvHeader(columns) : "";
  for (const row of rows) {
    chunk += csvLine(columns, row);
    if (chunk.length >= 65_536) {
      await writeChunk(res, chunk);
      chunk = "";
    }
  }
  if (chunk) await writeChunk(res, chunk);
}
