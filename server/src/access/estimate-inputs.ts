/**
 * What a request's bytes do not show about its cost, for budget reservations: how many completions it asks
 * for, and input the provider fetches or keeps itself (stored responses, uploaded files, images by URL).
 */

/** The most completions one request is reserved for (OpenAI accepts n up to 128). */
const MAX_CANDIDATES = 128;

/** Completions requested: OpenAI's `n` (and legacy `best_of`), Gemini's `generationConfig.candidateCount`. */
export function requestedCandidates(json: Record<string, unknown> | undefined): number {
  if (!json) return 1;
  const generation = json.generationConfig;
  const values = [
    json.n,
    json.best_of,
    generation !== null && typeof generation === "object" ? (generation as Record<string, unknown>).candidateCount : undefined,
  ];
  let most = 1;
  for (const v of values) if (typeof v === "number" && Number.isFinite(v) && v > most) most = Math.ceil(v);
  return Math.min(most, MAX_CANDIDATES);
}

/**
 * Tokens reserved per image the provider sizes itself (sent by URL or file id): above what any current model
 * charges for one image at its largest detail (OpenAI high detail ≈ 1,100–2,500, Anthropic ≈ 1,600,
 * Gemini 258 per tile).
 */
export const IMAGE_INPUT_TOKENS = 6_000;

/** Context windows by model family, for input Tollgate cannot size; others are reserved 200,000 tokens. */
const CONTEXT_TOKENS: ReadonlyArray<readonly [RegExp, number]> = [
  [/gemini-1\.5-pro/, 2_097_152],
  [/gemini|gpt-4\.1|llama-4/, 1_048_576],
  [/gpt-5|o3|o4/, 400_000],
];
const DEFAULT_CONTEXT_TOKENS = 200_000;

export function contextTokens(model: string): number {
  const lower = model.toLowerCase();
  for (const [pattern, tokens] of CONTEXT_TOKENS) if (pattern.test(lower)) return tokens;
  return DEFAULT_CONTEXT_TOKENS;
}

/** Keys whose value is content the provider holds: its size cannot be read from the request. */
const STORED_CONTENT = new Set([
  "previous_response_id",
  "conversation",
  "file_id",
  "fileUri",
  "file_uri",
  "file_url",
  "cached_content",
  "cachedContent",
]);
const MAX_NODES = 100_000;

export interface HiddenInput {
  /** input the provider keeps (a previous response, a file, a cached context): reserve the context window */
  unknowable: boolean;
  /** images sent by URL, sized by the provider */
  images: number;
}

/** Walks the request (bounded) for input that its bytes do not measure. */
export function hiddenInput(json: Record<string, unknown> | undefined): HiddenInput {
  const found: HiddenInput = { unknowable: false, images: 0 };
  if (!json) return found;
  const stack: unknown[] = [json];
  let nodes = 0;
  while (stack.length > 0) {
    if (++nodes > MAX_NODES) {
      found.unknowable = true; // too deep to read cheaply: reserved as unknowable
      break;
    }
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const v of value) if (v !== null && typeof v === "object") stack.push(v);
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === null || v === undefined || v === "") continue;
      if (STORED_CONTENT.has(key)) found.unknowable = true;
      else if (key === "image_url" && imageByUrl(v)) found.images++;
      else if (
        key === "source" &&
        typeof v === "object" &&
        ((v as Record<string, unknown>).type === "url" || (v as Record<string, unknown>).type === "file")
      ) {
        found.unknowable = true; // Anthropic's documents and images by URL or Files-API id
      }
      if (typeof v === "object") stack.push(v);
    }
    if (found.unknowable) break;
  }
  return found;
}

function imageByUrl(v: unknown): boolean {
  const url = typeof v === "string" ? v : typeof v === "object" && v !== null ? (v as Record<string, unknown>).url : undefined;
  return typeof url === "string" && !url.startsWith("data:");
}
