import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { uuidv7 } from "../../../server/src/lib/uuidv7.ts";
import { SyntheticTraffic } from "../../../scripts/synthetic-traffic.ts";
import { callRecord } from "../../support/call-record.ts";

/** A recorded call at a given time (an ok, priced, non-streamed openai call); override what matters. */
export function call(partial: Partial<CallRecord> & { at: string }): CallRecord {
  const { at, ...rest } = partial;
  const startedAt = new Date(at);
  return callRecord({
    id: uuidv7(startedAt.getTime()),
    startedAt,
    endpoint: "/v1/chat/completions",
    responseModel: null,
    priceId: "test-price",
    ttftMs: 90,
    overheadMs: 0.5,
    ...rest,
  });
}

/**
 * Synthetic traffic priced at odd exact decimals (up to 16 places), so any rounding or float on the way
 * would show: cost = (7 × input + 13 × output + 1) × 10⁻¹⁶ × 1000003.
 */
export function syntheticCalls(count: number, fromMs: number, toMs: number, seed = 42): CallRecord[] {
  const traffic = new SyntheticTraffic(seed, ({ usage }) => {
    const units = BigInt(7 * usage.inputTokens + 13 * usage.outputTokens + 1) * 1_000_003n;
    const digits = units.toString().padStart(17, "0");
    return { costUsd: `${digits.slice(0, -16)}.${digits.slice(-16)}`, priceId: "synthetic", priced: true };
  });
  return traffic.calls(count, fromMs, toMs);
}

/** RFC 4180 parser for the tests (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** CSV rows as objects keyed by the header line. */
export function csvObjects(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ""])));
}
