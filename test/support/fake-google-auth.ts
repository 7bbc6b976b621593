import { createVerify, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { startFakeServer, type FakeServer } from "./fake-server.ts";

/**
 * A fake Google OAuth 2.0 token endpoint for service accounts (the JWT bearer grant,
 * https://developers.google.com/identity/protocols/oauth2/service-account#httprest): a form POST of
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<RS256 JWT>`. It verifies the
 * assertion's signature with the service account's public key and its claims (iss, scope, iat/exp), then
 * answers `{access_token, expires_in, token_type: "Bearer"}`. `mode` "down" answers 503, "hang" never answers.
 */
export interface FakeGoogleAuth extends FakeServer {
  expiresIn: number;
  mode: "ok" | "down" | "hang";
  /** tokens issued, with when they expire (ms since epoch) */
  issued: Map<string, number>;
  /** assertions that verified */
  verified: number;
  /** assertions refused (bad signature or claims) */
  refused: number;
  /** whether `token` was issued here and has not expired */
  valid(token: string): boolean;
}

export async function startFakeGoogleAuth(publicKey: KeyObject, clientEmail: string): Promise<FakeGoogleAuth> {
  const state = { expiresIn: 3600, mode: "ok" as FakeGoogleAuth["mode"], issued: new Map<string, number>(), verified: 0, refused: 0, n: 0 };
  const respond = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    if (state.mode === "hang") return; // the connection stays open, unanswered
    if (state.mode === "down") {
      res
        .writeHead(503, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "unavailable", error_description: "The service is currently unavailable." }));
      return;
    }
    const form = new URLSearchParams(body);
    const claims =
      req.method === "POST" && form.get("grant_type") === "urn:ietf:params:oauth:grant-type:jwt-bearer"
        ? verifyAssertion(form.get("assertion") ?? "", publicKey)
        : null;
    const now = Date.now() / 1000;
    if (
      !claims ||
      claims.iss !== clientEmail ||
      !String(claims.scope).includes("https://www.googleapis.com/auth/cloud-platform") ||
      !(Number(claims.exp) > now) ||
      !(Number(claims.iat) <= now + 60)
    ) {
      state.refused++;
      res
        .writeHead(400, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "invalid_grant", error_description: "Invalid JWT Signature." }));
      return;
    }
    state.verified++;
    const token = `ya29.fake-${++state.n}-${Math.random().toString(36).slice(2, 12)}`;
    state.issued.set(token, Date.now() + state.expiresIn * 1000);
    res
      .writeHead(200, { "content-type": "application/json; charset=utf-8" })
      .end(JSON.stringify({ access_token: token, expires_in: state.expiresIn, token_type: "Bearer" }));
  };
  const server = await startFakeServer(respond);
  // Accessors, not copied values: the test reads and sets the live state.
  return Object.defineProperties(server, {
    expiresIn: { get: () => state.expiresIn, set: (v: number) => void (state.expiresIn = v) },
    mode: { get: () => state.mode, set: (v: FakeGoogleAuth["mode"]) => void (state.mode = v) },
    issued: { value: state.issued },
    verified: { get: () => state.verified },
    refused: { get: () => state.refused },
    valid: { value: (token: string) => (state.issued.get(token) ?? 0) > Date.now() },
  }) as FakeGoogleAuth;
}

/** The claims of an RS256 JWT whose signature `publicKey` verifies; null otherwise. */
function verifyAssertion(jwt: string, publicKey: KeyObject): Record<string, unknown> | null {
  const parts = jwt.split(".");
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    if ((JSON.parse(Buffer.from(header, "base64url").toString()) as { alg?: string }).alg !== "RS256") return null;
    const verifier = createVerify("RSA-SHA256");
    verifier.update(`${header}.${payload}`);
    if (!verifier.verify(publicKey, Buffer.from(signature, "base64url"))) return null;
    return JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
  } catch {
    return null;
  }
}
