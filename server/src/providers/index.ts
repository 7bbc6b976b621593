import { anthropic } from "./anthropic/adapter.ts";
import { azure } from "./azure/adapter.ts";
import { gemini } from "./gemini/adapter.ts";
import { mistral } from "./mistral/adapter.ts";
import { ollama } from "./ollama/adapter.ts";
import { openai } from "./openai/adapter.ts";
import { passthrough } from "./passthrough.ts";
import { vertexAnthropic } from "./vertex-anthropic/adapter.ts";
import type { ProviderAdapter } from "./types.ts";
import type { ProviderConfig } from "../config.ts";

/** Wire formats by name; a provider's config names its format. */
export const ADAPTERS: Readonly<Record<string, ProviderAdapter>> = {
  openai,
  anthropic,
  gemini,
  mistral,
  azure,
};

/** Native APIs that OpenAI-compatible servers speak beside /v1, each claiming its own paths. */
const BESIDE_OPENAI: readonly ProviderAdapter[] = [ollama];

/**
 * The adapter for a wire format; formats without one are forwarded and recorded unmetered. Under the OpenAI
 * format, a path a native API claims (Ollama's /api/chat, /api/generate, /api/embed) gets that API's adapter;
 * under the Gemini format, Claude's Vertex paths (`…/publishers/anthropic/models/…`) get Anthropic's.
 */
export function adapterFor(format: string, path = ""): ProviderAdapter {
  const adapter = ADAPTERS[format] ?? passthrough;
  if (adapter === openai && path.startsWith("/api/")) for (const native of BESIDE_OPENAI) if (native.claims?.(path)) return native;
  if (adapter === gemini && vertexAnthropic.claims!(path)) return vertexAnthropic;
  return adapter;
}

/**
 * The price table's provider for a recorded call, from its route and endpoint (recompute has no path):
 * Claude's Vertex calls (a Gemini-format route's `messages`) are priced as Anthropic's, as the proxy did.
 */
export function recordedPriceProvider(provider: Pick<ProviderConfig, "format" | "priceProvider">, endpoint: string): string {
  return ADAPTERS[provider.format] === gemini && endpoint === "messages" ? (vertexAnthropic.priceProvider ?? provider.priceProvider) : provider.priceProvider;
}
