import type { RequestInfo } from "../providers/types.ts";

/** What a virtual key may reach with the provider key Tollgate holds. */
export const KEY_SCOPES = ["inference", "models", "files", "batches", "images", "audio"] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** Every key has these; the others only when it was created with them. */
export const DEFAULT_SCOPES: readonly KeyScope[] = ["inference", "models"];

/** A key's scopes as stored: the defaults plus the wider ones asked for, deduplicated, in KEY_SCOPES order. */
export function keyScopes(asked: readonly string[] | null | undefined): KeyScope[] {
  const wanted = new Set<string>([...DEFAULT_SCOPES, ...(asked ?? [])]);
  return KEY_SCOPES.filter((s) => wanted.has(s));
}

/**
 * Paths a held key may be used on are plain: letters, digits and `_ - . : @` between single slashes, no
 * dot segments. Percent-escapes, `;` parameters, `//` and the like are refused rather than guessed at, since
 * the provider may read them differently from Tollgate's metering.
 */
const PLAIN_PATH = /^(?:\/(?!\.{1,2}(?:\/|$))[A-Za-z0-9_.:@-]+)+$/;
/** Organisation and admin APIs (OpenAI /v1/organization/*, Anthropic /v1/organizations/*): never with a held key. */
const ADMIN_SEGMENT = /\/organizations?(?:\/|$)/i;

const SEG = "[A-Za-z0-9_.:@-]+";
const VERSION = "(?:/openai)?(?:/v\\d+[a-z0-9]*)?";
const MODELS = new RegExp(`^${VERSION}/models(?:/${SEG})?$`);
const FILES = new RegExp(`^(?:/upload)?${VERSION}/(?:files(?:/${SEG}(?:/content)?)?|uploads(?:/${SEG}(?:/parts|/complete|/cancel)?)?)$`);
const BATCHES = new RegExp(`^${VERSION}/(?:messages/)?batches(?:/${SEG}(?:/cancel|/results)?)?$|:batchGenerateContent$`);
const IMAGES = new RegExp(`^${VERSION}/images/(?:generations|edits|variations)$`);
const AUDIO = new RegExp(`^${VERSION}/audio/(?:speech|transcriptions|translations)$`);
/** Free token counting beside the metered endpoints (Anthropic's count_tokens, Gemini's countTokens). */
const COUNTING = new Set(["messages.count_tokens", "countTokens"]);

/**
 * The scope a request needs, or null when no scope allows it (admin APIs, unlisted endpoints, path variants
 * Tollgate would not meter). Inference is the endpoints the adapter meters (it then reads usage and prices
 * the call) and free token counting.
 */
export function scopeOf(method: string, path: string, info: RequestInfo): KeyScope | null {
  // A path the adapter read strictly itself (Bedrock's escaped model ids) is metered as the provider reads it.
  if (info.metered && info.pathChecked === true) return "inference";
  if (!PLAIN_PATH.test(path) || ADMIN_SEGMENT.test(path)) return null;
  if (info.metered) return "inference";
  if (method === "POST" && COUNTING.has(info.endpoint)) return "inference";
  if ((method === "GET" || method === "HEAD") && (MODELS.test(path) || path === "/api/tags")) return "models";
  if (FILES.test(path)) return "files";
  if (BATCHES.test(path)) return "batches";
  if (method === "POST" && IMAGES.test(path)) return "images";
  if (method === "POST" && AUDIO.test(path)) return "audio";
  return null;
}
