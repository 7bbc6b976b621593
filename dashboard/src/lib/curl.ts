// "Copy as curl": the stored request replayed through Tollgate. Never a secret: the key header is a
// placeholder naming an environment variable, and the body is the stored (redacted) one.

/** The header carrying the provider key for a call's endpoint, with a placeholder value. */
export function keyHeader(provider: string, endpoint: string): string {
  if (endpoint === "messages" || endpoint === "messages.count_tokens") return "x-api-key: $ANTHROPIC_API_KEY";
  if (/generateContent|embedContent|countTokens/i.test(endpoint)) return "x-goog-api-key: $GEMINI_API_KEY";
  const variable = `${provider.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_API_KEY`;
  return `Authorization: Bearer $${variable}`;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface ReplayRequest {
  method: string;
  path: string;
  query: string | null;
  headers: Record<string, string> | null;
}

export function curlCommand(
  origin: string,
  call: {
    provider: string;
    endpoint: string;
    app: string;
    requestBody?: string | null;
    requestTruncated?: boolean;
    request?: ReplayRequest | null;
  },
): string | null {
  const r = call.request;
  if (!r) return null;
  const url = `${origin}/${call.provider}${r.path}${r.query ? `?${r.query}` : ""}`;
  const lines = [`curl -X ${r.method} ${quote(url)}`, `  -H "${keyHeader(call.provider, call.endpoint)}"`];
  for (const [name, value] of Object.entries(r.headers ?? {})) lines.push(`  -H ${quote(`${name}: ${value}`)}`);
  if (call.app && call.app !== "unknown") lines.push(`  -H ${quote(`x-tollgate-app: ${call.app}`)}`);
  if (call.requestBody) lines.push(`  --data-binary ${quote(call.requestBody)}`);
  const command = lines.join(" \\\n");
  return call.requestTruncated ? `# the stored body was cut at TOLLGATE_BODY_MAX_BYTES: complete it before replaying\n${command}` : command;
}
