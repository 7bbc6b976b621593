/**
 * The batch endpoints Tollgate watches (their bodies are kept and read at the call's end; never metered as
 * calls themselves): OpenAI's Batch API (POST /v1/batches, GET /v1/batches/{id}, and the output file's
 * GET /v1/files/{id}/content) and Anthropic's Message Batches (POST /v1/messages/batches,
 * GET /v1/messages/batches/{id}, GET /v1/messages/batches/{id}/results).
 */
export type BatchEndpoint = "batches.create" | "batches.retrieve" | "batches.results";

export interface BatchPath {
  endpoint: BatchEndpoint;
  batchId: string | null;
  fileId: string | null;
}

const OPENAI_BATCH = /\/v1\/batches(?:\/([^/]+))?$/;
const OPENAI_FILE_CONTENT = /\/v1\/files\/([^/]+)\/content$/;
const ANTHROPIC_BATCH = /\/v1\/messages\/batches(?:\/([^/]+)(\/results)?)?$/;

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export function openAiBatchPath(method: string, path: string): BatchPath | null {
  const file = OPENAI_FILE_CONTENT.exec(path);
  if (file && method === "GET") return { endpoint: "batches.results", batchId: null, fileId: decode(file[1]!) };
  const m = OPENAI_BATCH.exec(path);
  if (!m) return null;
  if (!m[1] && method === "POST") return { endpoint: "batches.create", batchId: null, fileId: null };
  if (m[1] && method === "GET") return { endpoint: "batches.retrieve", batchId: decode(m[1]), fileId: null };
  return null;
}

export function anthropicBatchPath(method: string, path: string): BatchPath | null {
  const m = ANTHROPIC_BATCH.exec(path);
  if (!m || method === "DELETE") return null;
  if (!m[1] && method === "POST") return { endpoint: "batches.create", batchId: null, fileId: null };
  if (m[1] && m[2] && method === "GET") return { endpoint: "batches.results", batchId: decode(m[1]), fileId: null };
  if (m[1] && !m[2] && method === "GET") return { endpoint: "batches.retrieve", batchId: decode(m[1]), fileId: null };
  return null;
}
