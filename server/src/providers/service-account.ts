import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * A Google service account key, as the Cloud console downloads it (the fields Tollgate uses). Held in memory
 * only: never logged, never stored in the database, and kept out of error messages.
 */
export interface ServiceAccount {
  clientEmail: string;
  privateKey: string;
  privateKeyId: string | undefined;
  /** where access tokens are minted; Google's own when the key does not say */
  tokenUri: string;
  projectId: string | undefined;
}

export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

const keySchema = z.object({
  type: z.literal("service_account", { error: 'must be a service account key (type "service_account")' }).optional(),
  client_email: z.string({ error: "client_email is missing" }).min(3, "client_email is missing"),
  private_key: z.string({ error: "private_key is missing" }).includes("PRIVATE KEY", { error: "private_key is not a PEM private key" }),
  private_key_id: z.string().optional(),
  token_uri: z.url({ protocol: /^https?$/, error: "token_uri must be an http(s) URL" }).optional(),
  project_id: z.string().optional(),
});

/**
 * Reads a service account key from a file path or inline JSON. Throws an Error naming `where` and what is
 * wrong, never quoting the key's content (JSON.parse's message can quote it, so it is not passed on).
 */
export function loadServiceAccount(source: { file?: string; json?: string }, where: string): ServiceAccount {
  let text: string;
  if (source.json !== undefined) text = source.json;
  else if (source.file !== undefined) {
    try {
      text = readFileSync(source.file, "utf8");
    } catch (err) {
      throw new Error(
        `${where}: cannot read the service account key file ${source.file} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  } else throw new Error(`${where}: no service account key given`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${where}: the service account key is not valid JSON`);
  }
  const parsed = keySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  const k = parsed.data;
  return {
    clientEmail: k.client_email,
    privateKey: k.private_key,
    privateKeyId: k.private_key_id,
    tokenUri: k.token_uri ?? GOOGLE_TOKEN_URI,
    projectId: k.project_id,
  };
}
