import { loadServiceAccount, type ServiceAccount } from "../providers/service-account.ts";
import type { AwsSettings } from "../providers/provider-config.ts";
import { ConfigError } from "./config-error.ts";

// Per-provider settings beyond a base URL and a key: AWS signing (Bedrock), a Google service account (Vertex).

/** Bedrock Runtime's endpoint in a region. */
export function bedrockBaseUrl(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

/** The AWS credentials a Bedrock provider signs with, from the variables it names (AWS_* by default). */
export function awsSettings(
  region: string,
  env: Record<string, string | undefined>,
  names: { accessKeyIdEnv?: string; secretAccessKeyEnv?: string; sessionTokenEnv?: string },
): AwsSettings {
  const accessKeyId = env[names.accessKeyIdEnv ?? "AWS_ACCESS_KEY_ID"];
  const secretAccessKey = env[names.secretAccessKeyEnv ?? "AWS_SECRET_ACCESS_KEY"];
  const sessionToken = env[names.sessionTokenEnv ?? "AWS_SESSION_TOKEN"];
  if (!accessKeyId || !secretAccessKey) return { region, credentials: undefined };
  return { region, credentials: sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey } };
}

/** A provider's service account key (serviceAccountFile, or the JSON in the variable serviceAccountEnv names). */
export function serviceAccountOf(
  p: { name: string; serviceAccountFile?: string; serviceAccountEnv?: string },
  env: Record<string, string | undefined>,
): ServiceAccount | undefined {
  if (p.serviceAccountFile === undefined && p.serviceAccountEnv === undefined) return undefined;
  const where = `TOLLGATE_CONFIG provider "${p.name}"`;
  if (p.serviceAccountFile !== undefined && p.serviceAccountEnv !== undefined)
    throw new ConfigError(`${where}: give serviceAccountFile or serviceAccountEnv, not both`);
  if (p.serviceAccountEnv !== undefined && !env[p.serviceAccountEnv])
    throw new ConfigError(`${where}: ${p.serviceAccountEnv} (serviceAccountEnv) is not set`);
  try {
    return loadServiceAccount(
      p.serviceAccountFile !== undefined ? { file: p.serviceAccountFile } : { json: env[p.serviceAccountEnv as string] },
      where,
    );
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}
