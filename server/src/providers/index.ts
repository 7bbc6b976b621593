import { anthropic } from "./anthropic.ts";
import { azure } from "./azure.ts";
import { gemini } from "./gemini.ts";
import { mistral } from "./mistral.ts";
import { openai } from "./openai.ts";
import { passthrough } from "./passthrough.ts";
import type { ProviderAdapter } from "./types.ts";

/** Wire formats by name; a provider's config names its format. */
export const ADAPTERS: Readonly<Record<string, ProviderAdapter>> = {
  openai,
  anthropic,
  gemini,
  mistral,
  azure,
};

/** The adapter for a wire format; formats without one are forwarded and recorded unmetered. */
export function adapterFor(format: string): ProviderAdapter {
  return ADAPTERS[format] ?? passthrough;
}
