import type { BatchPath } from "./batch-paths.ts";

/** What a batch endpoint's answer told Tollgate (ResponseFacts.batch), acted on when the call ends. */
export type BatchEvent =
  | {
      type: "seen";
      format: "openai" | "anthropic";
      batchId: string;
      outputFileId: string | null;
      errorFileId: string | null;
      created: boolean;
    }
  | { type: "results"; format: "openai" | "anthropic"; batchId: string | null; fileId: string | null; text: string };

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);

/** The event of a batch endpoint's successful, complete answer; undefined when it is not one we read. */
export function batchEvent(format: "openai" | "anthropic", path: BatchPath, body: Buffer): BatchEvent | undefined {
  if (path.endpoint === "batches.results")
    return { type: "results", format, batchId: path.batchId, fileId: path.fileId, text: body.toString("utf8") };
  let json: Record<string, unknown> | undefined;
  try {
    json = obj(JSON.parse(body.toString("utf8")));
  } catch {
    return undefined;
  }
  const id = str(json?.id);
  if (!json || !id) return undefined;
  return {
    type: "seen",
    format,
    batchId: id,
    outputFileId: str(json.output_file_id),
    errorFileId: str(json.error_file_id),
    created: path.endpoint === "batches.create",
  };
}
