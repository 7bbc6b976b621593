/**
 * How a model name as a client or provider spells it relates to the names price rows use, and how our
 * provider ids relate to the price source's (genai-prices) provider ids.
 */

/**
 * Price-source providers to search after a provider's own id. Azure bills OpenAI's models at OpenAI's
 * list prices, so its calls fall back to OpenAI's rows.
 */
export const DEFAULT_PROVIDER_ALIASES: Readonly<Record<string, readonly string[]>> = {
  gemini: ["google"],
  google: ["gemini"],
  vertex: ["google", "anthropic"],
  azure: ["openai"],
  xai: ["x-ai"],
  grok: ["x-ai"],
  "together-ai": ["together"],
  together_ai: ["together"],
  fireworks_ai: ["fireworks"],
  bedrock: ["aws"],
  moonshot: ["moonshotai"],
};

export function providerCandidates(
  provider: string,
  aliases: Readonly<Record<string, readonly string[]>> = DEFAULT_PROVIDER_ALIASES,
): string[] {
  const own = provider.trim().toLowerCase();
  const out = [own];
  for (const alias of aliases[own] ?? []) if (!out.includes(alias)) out.push(alias);
  return out;
}

const COMPACT_DATE = /-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/; // -20250929
const DASHED_DATE = /-(20\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/; // -2024-07-18
const FOUR_DIGIT_SNAPSHOT = /-\d{4}$/; // mistral-large-2411, gpt-4-0613: last resort only

/**
 * The names to try for a model, most specific first: the name itself (lower-cased, as the source's
 * matcher does), without path prefixes (`models/…`, `gemini/…`), without a Vertex `@version`, without
 * `-latest`, and without a dated snapshot suffix. Exact rows are tried for every variant before any
 * prefix or pattern row, so `gpt-4o-mini-2099-01-01` finds `gpt-4o-mini` rather than a broader prefix.
 */
export function modelNameVariants(model: string): string[] {
  const out: string[] = [];
  const push = (name: string) => {
    if (name && !out.includes(name)) out.push(name);
  };
  const original = model.trim().toLowerCase();
  push(original);
  const slash = original.lastIndexOf("/");
  const base = slash >= 0 ? original.slice(slash + 1) : original;
  push(base);
  const noVersion = base.replace(/@.*$/, "");
  push(noVersion);
  const noLatest = noVersion.replace(/-latest$/, "");
  push(noLatest);
  // genai-prices writes some snapshot dates dashed (-2025-09-29) where providers report them compact.
  push(noLatest.replace(COMPACT_DATE, "-$1-$2-$3"));
  const noDate = noLatest.replace(COMPACT_DATE, "").replace(DASHED_DATE, "");
  push(noDate);
  push(noDate.replace(FOUR_DIGIT_SNAPSHOT, ""));
  return out;
}
