import { usage } from "../../../../server/src/domain/usage.ts";
import { PASS, type ProviderAdapter, type ResponseFacts } from "../../../../server/src/providers/types.ts";

/**
 * A wire format that exists only in this test folder ("acme"): `POST /v2/complete` with
 * `{model, prompt, limits: {max_out}}`, answered `{id, model, text, usage: {in, out}}`; errors are
 * `{fault: {kind, detail}}`; the key goes in `x-acme-key`. It declares what the registry asks of every
 * adapter, so registering it is all Tollgate needs to route, meter, key and budget its calls.
 */
function facts(json: unknown): ResponseFacts {
  if (json === null || typeof json !== "object") return {};
  const body = json as Record<string, unknown>;
  const fault = body.fault as Record<string, unknown> | undefined;
  if (fault) return { errorType: String(fault.kind), errorMessage: String(fault.detail) };
  const u = body.usage as { in?: unknown; out?: unknown } | undefined;
  const out: ResponseFacts = { responseModel: typeof body.model === "string" ? body.model : undefined };
  if (u) out.usage = usage({ inputTokens: Number(u.in ?? 0), outputTokens: Number(u.out ?? 0) });
  return out;
}

export const acme: ProviderAdapter = {
  format: "acme",
  auth: { header: "x-acme-key" },
  maxOutputFields: ["limits.max_out"],

  inspect(req) {
    const metered = req.method === "POST" && req.path === "/v2/complete";
    const model = typeof req.json?.model === "string" ? req.json.model : null;
    return { endpoint: metered ? "complete" : req.path, metered, model, stream: false, deployment: null };
  },
  factsFromJson: (_info, json) => facts(json),
  createStreamMeter: () => ({ onEvent: () => PASS, facts: () => ({}), outputText: () => "" }),
  requestIdHeaders: ["x-acme-request"],
  errorBody: (type, message) => JSON.stringify({ fault: { kind: type, detail: message } }),
};
