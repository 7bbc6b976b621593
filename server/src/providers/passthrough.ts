import { PASS, type ProviderAdapter } from "./types.ts";

/**
 * For a wire format without an adapter: calls are forwarded and recorded with their outcome and latency,
 * no tokens. Errors Tollgate answers itself use the common {"error":{type,message}} shape.
 */
export const passthrough: ProviderAdapter = {
  format: "passthrough",
  inspect: (req) => ({ endpoint: req.path, metered: false, model: typeof req.json?.model === "string" ? req.json.model : null, stream: req.json?.stream === true, deployment: null }),
  factsFromJson: () => ({}),
  createStreamMeter: () => ({ onEvent: () => PASS, facts: () => ({}), outputText: () => "" }),
  requestIdHeaders: ["x-request-id", "request-id"],
  errorBody: (type, message) => JSON.stringify({ error: { type, message } }),
};
