import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_USAGE } from "../../support/fake-openai.ts";
import { ANTHROPIC_MODEL, ANTHROPIC_USAGE } from "../../support/fake-anthropic.ts";
import type { FakeServer } from "../../support/fake-server.ts";
import type { FakePrice, UsageEvent } from "../../support/fake-org-reports.ts";

export const OPENAI_ADMIN_KEY = "sk-admin-openai-recon-0a1b2c3d4e5f6a7b8c9d";
export const ANTHROPIC_ADMIN_KEY = "sk-ant-admin01-recon-9f8e7d6c5b4a39281706";
const HELD_OPENAI = "sk-held-openai-recon-11112222333344445555";
const HELD_ANTHROPIC = "sk-ant-held-recon-66667777888899990000";
export const BYPASS_OPENAI = "sk-bypass-openai-recon-aaaabbbbccccdddd";
export const BYPASS_ANTHROPIC = "sk-ant-bypass-recon-eeeeffff00001111";

/** The providers' ids for the keys (what their reports call api_key_id). */
export const KEY_IDS: Record<string, string> = {
  [HELD_OPENAI]: "key_held_openai",
  [BYPASS_OPENAI]: "key_bypass_openai",
  [HELD_ANTHROPIC]: "apikey_01HeldAnthropic",
  [BYPASS_ANTHROPIC]: "apikey_01BypassAnthropic",
};

/** What the providers bill (USD per million tokens). */
export const PROVIDER_PRICES: Record<string, FakePrice> = {
  "recon-a": { input: "1", cachedInput: "0.5", output: "4" },
  "recon-b": { input: "2", cachedInput: "1", output: "8" },
  "recon-unpriced": { input: "3", cachedInput: "1.5", output: "9" },
  [ANTHROPIC_MODEL]: { input: "3", cachedInput: "0.3", cacheWrite5m: "3.75", cacheWrite1h: "6", output: "15" },
};

/** Tollgate's price table: the same, except recon-b's input changed in Tollgate only, and no recon-unpriced. */
export function writePriceConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-recon-"));
  const file = join(dir, "config.json");
  const row = (provider: string, model: string, p: Record<string, string>) => ({
    provider,
    model,
    effectiveFrom: "2026-01-01T00:00:00Z",
    ...p,
  });
  writeFileSync(
    file,
    JSON.stringify({
      prices: [
        row("openai", "recon-a", { inputUsdPerMTok: "1", cachedInputUsdPerMTok: "0.5", outputUsdPerMTok: "4" }),
        row("openai", "recon-b", { inputUsdPerMTok: "2.5", cachedInputUsdPerMTok: "1", outputUsdPerMTok: "8" }),
        row("anthropic", ANTHROPIC_MODEL, {
          inputUsdPerMTok: "3",
          cachedInputUsdPerMTok: "0.3",
          cacheWriteUsdPerMTok: "3.75",
          cacheWrite1hUsdPerMTok: "6",
          outputUsdPerMTok: "15",
        }),
      ],
    }),
  );
  return file;
}

/** The usage each fake provider served, as its own books would record it (every call, proxied or not). */
export function openAiLedger(fake: FakeServer, time: Date): UsageEvent[] {
  return fake.seen
    .filter((s) => s.method === "POST" && s.url.endsWith("/chat/completions"))
    .map((s) => {
      const key = String(s.headers.authorization ?? "").replace(/^Bearer /, "");
      return {
        time,
        model: String((JSON.parse(s.body) as { model: string }).model),
        apiKeyId: KEY_IDS[key] ?? "key_unknown",
        inputTokens: FAKE_USAGE.prompt_tokens,
        cachedInputTokens: FAKE_USAGE.prompt_tokens_details.cached_tokens,
        outputTokens: FAKE_USAGE.completion_tokens,
      };
    });
}

export function anthropicLedger(fake: FakeServer, time: Date): UsageEvent[] {
  return fake.seen
    .filter((s) => s.method === "POST" && s.url.endsWith("/v1/messages"))
    .map((s) => ({
      time,
      model: ANTHROPIC_MODEL,
      // The SDK sends some keys as x-api-key, others as a Bearer token.
      apiKeyId:
        KEY_IDS[String(s.headers["x-api-key"] ?? String(s.headers.authorization ?? "").replace(/^Bearer /, ""))] ?? "apikey_unknown",
      workspaceId: "wrkspc_01Recon",
      inputTokens: ANTHROPIC_USAGE.input_tokens,
      cachedInputTokens: ANTHROPIC_USAGE.cache_read_input_tokens,
      cacheWrite5mTokens: ANTHROPIC_USAGE.cache_creation.ephemeral_5m_input_tokens,
      cacheWrite1hTokens: ANTHROPIC_USAGE.cache_creation.ephemeral_1h_input_tokens,
      outputTokens: ANTHROPIC_USAGE.output_tokens,
    }));
}

export const DAY_MS = 86_400_000;
export const utcDay = (t: Date) => new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS);
export const dayText = (t: Date) => t.toISOString().slice(0, 10);
