import { anthropic } from "./anthropic/adapter.ts";
import { azure } from "./azure/adapter.ts";
import { bedrock } from "./bedrock/adapter.ts";
import { gemini } from "./gemini/adapter.ts";
import { mistral } from "./mistral/adapter.ts";
import { ollama } from "./ollama/adapter.ts";
import { openai } from "./openai/adapter.ts";
import { vertexAnthropic } from "./vertex-anthropic/adapter.ts";
import type { ProviderAdapter } from "./types.ts";
import type { ProviderConfig } from "./provider-config.ts";
import { TollgateError } from "../lib/errors.ts";

/**
 * The registry: every wire format, one line each. A provider's config names one of the formats that are not
 * served `beside` another (config.ts takes its list from here); the virtual-key hook sends the held key as
 * the route's format declares, and budgets read the output cap from the fields the call's adapter names.
 */
const BUILT_IN: readonly ProviderAdapter[] = [openai, anthropic, gemini, mistral, azure, bedrock, ollama, vertexAnthropic];

const byFormat = new Map<string, ProviderAdapter>();
const besideOf = new Map<string, ProviderAdapter[]>();
let credentials: ReadonlySet<string> = new Set();

/** Adds a wire format; the built-in ones are registered here, an adapter defined elsewhere (a test's) by calling it. */
export function registerAdapter(adapter: ProviderAdapter): void {
  if (byFormat.has(adapter.format)) throw new Error(`wire format "${adapter.format}" is registered twice`);
  byFormat.set(adapter.format, adapter);
  if (adapter.beside) besideOf.set(adapter.beside.format, [...(besideOf.get(adapter.beside.format) ?? []), adapter]);
  credentials = new Set([...credentials, adapter.auth.header.toLowerCase()]);
}

for (const adapter of BUILT_IN) registerAdapter(adapter);

/** The formats a provider's config can name (those not served beside another), the first the default. */
export function configFormats(): [string, ...string[]] {
  const names = [...byFormat.values()].filter((a) => !a.beside).map((a) => a.format);
  return [names[0]!, ...names.slice(1)];
}

/** The headers a client's key may arrive in (every format's held-key header), lower-case. */
export function credentialHeaders(): ReadonlySet<string> {
  return credentials;
}

/** A route's own adapter, for its format (config admits registered formats only). */
export function formatAdapter(format: string): ProviderAdapter {
  const adapter = byFormat.get(format);
  if (!adapter || adapter.beside) throw new TollgateError("proxy_error", `no adapter for wire format "${format}"`);
  return adapter;
}

/**
 * The adapter that meters a call on a route of `format` to `path`: an adapter served beside the format when
 * it claims the path (Ollama's /api/chat, /api/generate, /api/embed under OpenAI; Claude's Vertex paths,
 * `…/publishers/anthropic/models/…`, under Gemini), else the format's own.
 */
export function adapterFor(format: string, path = ""): ProviderAdapter {
  const beside = besideOf.get(format);
  if (beside) for (const adapter of beside) if (adapter.beside!.claims(path)) return adapter;
  return formatAdapter(format);
}

/** The price table's provider for a call: its adapter's when it declares one, else the route's. */
export function priceProviderOf(call: { adapter: ProviderAdapter; provider: Pick<ProviderConfig, "priceProvider"> }): string {
  return call.adapter.priceProvider ?? call.provider.priceProvider;
}

/**
 * The price table's provider for a recorded call, from its route and endpoint (recompute has no path): an
 * adapter served beside the route's format that records that endpoint (Claude's Vertex `messages`) decides.
 */
export function recordedPriceProvider(provider: Pick<ProviderConfig, "format" | "priceProvider">, endpoint: string): string {
  const adapter = besideOf.get(provider.format)?.find((a) => a.beside!.endpoints.includes(endpoint)) ?? formatAdapter(provider.format);
  return priceProviderOf({ adapter, provider });
}
