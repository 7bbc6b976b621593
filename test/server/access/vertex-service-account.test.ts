import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GoogleAccessTokens } from "../../../server/src/access/google-tokens.ts";
import { loadServiceAccount } from "../../../server/src/providers/service-account.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startFakeGoogleAuth, type FakeGoogleAuth } from "../../support/fake-google-auth.ts";
import type { FakeServer } from "../../support/fake-server.ts";
import { startFakeVertex } from "../../support/fake-vertex.ts";
import { eventually } from "../../support/tollgate.ts";
import { callById, createKey, recordedCalls, startReplica, type Replica } from "./harness.ts";

// A service account key of the shape the Cloud console downloads, with a key pair made here: the fake token
// endpoint verifies the JWT assertion's signature with the public half.
const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const CLIENT_EMAIL = "tollgate-vertex@my-project.iam.gserviceaccount.com";
const EXPIRES_IN = 6; // seconds: refreshed after 3 s, before it lapses

let db: TestDatabase;
let auth: FakeGoogleAuth;
let vertex: FakeServer;
let tg: Replica;
let keyJson: string;
let virtualKey: { id: string; key: string };

beforeAll(async () => {
  db = await createTestDatabase();
  auth = await startFakeGoogleAuth(publicKey, CLIENT_EMAIL);
  auth.expiresIn = EXPIRES_IN;
  vertex = await startFakeVertex((token) => auth.valid(token));
  keyJson = JSON.stringify({
    type: "service_account",
    project_id: "my-project",
    private_key_id: "0123456789abcdef0123456789abcdef01234567",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: CLIENT_EMAIL,
    client_id: "123456789012345678901",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: `${auth.url}/token`,
  });
  const configPath = join(mkdtempSync(join(tmpdir(), "tollgate-config-")), "tollgate.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      providers: [
        { name: "vertex", baseUrl: vertex.url, format: "gemini", priceProvider: "google", serviceAccountEnv: "VERTEX_SERVICE_ACCOUNT" },
      ],
    }),
  );
  tg = await startReplica(db, { TOLLGATE_CONFIG: configPath, VERTEX_SERVICE_ACCOUNT: keyJson, TOLLGATE_GOOGLE_TOKEN_TIMEOUT_MS: "2000" });
  virtualKey = await createKey(tg, { app: "vertex-app", provider: "vertex" });
});
afterAll(async () => {
  await tg?.close();
  await vertex?.close();
  await auth?.close();
  await db?.drop();
});

const base = "/v1/projects/my-project/locations/us-central1/publishers";
const geminiPath = `${base}/google/models/gemini-2.5-flash:generateContent`;
const claudePath = `${base}/anthropic/models/claude-sonnet-4-5@20250929:rawPredict`;
const bodies: Record<string, unknown> = {
  [geminiPath]: { contents: [{ role: "user", parts: [{ text: "Say hello" }] }] },
  [claudePath]: { anthropic_version: "vertex-2023-10-16", max_tokens: 64, messages: [{ role: "user", content: "Say hello" }] },
};

/** A call as a Vertex client makes it, with the virtual key where the OAuth token would be. */
async function call(path: string): Promise<{ status: number; id: string | null; body: string; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${tg.url}/vertex${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${virtualKey.key}` },
    body: JSON.stringify(bodies[path]),
  });
  const body = await res.text();
  return { status: res.status, id: res.headers.get("x-tollgate-call-id"), body, ms: performance.now() - started };
}

const lastBearer = () => vertex.seen[vertex.seen.length - 1]!.headers.authorization;
const issuedAt = (token: string) => auth.issued.get(token)! - EXPIRES_IN * 1000;

describe("Vertex AI with virtual keys: OAuth access tokens minted from a service account", () => {
  it("Gemini and Claude on Vertex carry `Authorization: Bearer <minted token>`; the JWT assertion verified", async () => {
    for (const path of [geminiPath, claudePath]) {
      const res = await call(path);
      expect(res.status, res.body).toBe(200);
      const bearer = lastBearer()!;
      expect(bearer).toMatch(/^Bearer ya29\.fake-/);
      expect(auth.valid(bearer.slice(7))).toBe(true);
      expect(vertex.seen[vertex.seen.length - 1]!.headers["x-goog-api-key"]).toBeUndefined();
      const recorded = await callById(tg, res.id);
      expect(recorded).toMatchObject({
        provider: "vertex",
        app: "vertex-app",
        keyId: virtualKey.id,
        status: 200,
        outcome: "ok",
        usageSource: "reported",
      });
      expect(recorded.inputTokens).toBe(path === geminiPath ? 10 : 20);
    }
    expect(auth.verified).toBeGreaterThanOrEqual(1);
    expect(auth.refused).toBe(0);
    // the minted token is not what the client sees or what is stored
    expect(JSON.stringify(await recordedCalls(tg))).not.toContain("ya29.");
  });

  it("refreshes the token before it expires, in the background, and calls use the new one", async () => {
    await call(geminiPath);
    const first = lastBearer()!.slice(7);
    // no calls meanwhile: the refresh is not on the request path
    const second = await eventually(async () => {
      const newer = [...auth.issued.keys()].filter((t) => issuedAt(t) > issuedAt(first));
      expect(newer.length).toBeGreaterThan(0);
      return newer[0]!;
    }, 15_000);
    expect(issuedAt(second)).toBeLessThan(auth.issued.get(first)!); // minted while the old one was still valid
    const res = await call(geminiPath);
    expect(res.status).toBe(200);
    const used = lastBearer()!.slice(7);
    expect(issuedAt(used)).toBeGreaterThanOrEqual(issuedAt(second));
  });

  it("a token endpoint outage does not hang calls: a prompt 503 in the provider's error shape, recorded once, never forwarded", async () => {
    auth.mode = "hang";
    // the token Tollgate holds lapses while every refresh hangs (each given up after 2 s)
    await eventually(async () => expect([...auth.issued.values()].some((exp) => exp > Date.now())).toBe(false), 15_000);
    const forwarded = vertex.seen.length;
    const res = await call(claudePath);
    expect(res.status).toBe(503);
    expect(res.ms).toBeLessThan(5_000); // at most one token request's timeout (2 s), never the upstream's 10 min
    // Claude on Vertex: Tollgate's error in Anthropic's shape, as that route's SDK reads errors
    const error = JSON.parse(res.body) as { type: string; error: { type: string; message: string } };
    expect(error).toMatchObject({ type: "error", error: { type: "api_error" } });
    expect(error.error.message).toContain('Google access token for provider "vertex"');
    expect(vertex.seen.length).toBe(forwarded);
    const recorded = await callById(tg, res.id);
    expect(recorded).toMatchObject({ status: 503, outcome: "proxy_error", keyId: virtualKey.id, costUsd: "0.0" });
    expect((await recordedCalls(tg)).filter((c) => c.id === res.id)).toHaveLength(1);

    // back up: calls get tokens again
    auth.mode = "ok";
    await eventually(async () => expect((await call(geminiPath)).status).toBe(200), 15_000);
  });

  it("concurrent calls needing a token share one token request", async () => {
    const tokens = new GoogleAccessTokens("vertex", loadServiceAccount({ json: keyJson }, "test"), { timeoutMs: 2_000 });
    try {
      const before = auth.verified;
      const got = await Promise.all(Array.from({ length: 10 }, () => tokens.get()));
      expect(new Set(got).size).toBe(1);
      expect(auth.verified - before).toBe(1);
      expect(tokens.requests).toBe(1);
    } finally {
      tokens.close();
    }
  });
});
