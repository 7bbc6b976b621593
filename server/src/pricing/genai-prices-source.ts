import { createHash } from "node:crypto";
import { waitForUpdate, type MatchLogic, type ModelInfo, type ModelPrice, type Provider } from "@pydantic/genai-prices";
import { decimalFromNumber, formatDecimal, normalize } from "../lib/decimal.ts";
import type { MatchType, PriceRow, PriceTier, Rates } from "./price-row.ts";

export const GENAI_PRICES_SOURCE = "genai-prices";
/** Prices without a start date applied from the beginning. */
const BEGINNING = new Date("1970-01-01T00:00:00.000Z");

/** The price keys we store; every other key (audio, images, web searches, …) cannot be represented. */
const TOKEN_PRICE_KEYS = new Set([
  "input_mtok",
  "cache_read_mtok",
  "cache_write_mtok",
  "cache_write_5m_mtok",
  "cache_write_1h_mtok",
  "output_mtok",
  "input_audio_mtok",
  "output_audio_mtok",
]);

export interface SourceConversion {
  rows: PriceRow[];
  models: number;
  /** model prices left out, by reason */
  skipped: { badTimeOfDay: number; noTokenPrices: number; shadowedBranches: number };
  /** price entries limited to a daily window (DeepSeek peak hours) */
  dailyWindowPrices: number;
  /** price keys present in the data that our columns cannot hold, with how many price entries had them */
  ignoredPriceKeys: Record<string, number>;
}

type Branch = { matchType: MatchType; model: string };

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A lookahead that holds at position 0 when `m` matches the whole name (genai-prices semantics). */
function lookahead(m: MatchLogic): string {
  if ("and" in m) return `(?:${m.and.map(lookahead).join("")})`;
  if ("or" in m) return `(?:${m.or.map(lookahead).join("|")})`;
  if ("equals" in m) return `(?=${escapeRegex(m.equals.toLowerCase())}$)`;
  if ("starts_with" in m) return `(?=${escapeRegex(m.starts_with.toLowerCase())})`;
  if ("ends_with" in m) return `(?=.*${escapeRegex(m.ends_with.toLowerCase())}$)`;
  if ("contains" in m) return `(?=.*${escapeRegex(m.contains.toLowerCase())})`;
  return `(?=.*?(?:${m.regex}))`; // genai-prices tests its regexes with search semantics
}

/** One row per `or` branch, so exact names become Map keys; an `and` becomes a single regex row. */
export function branches(m: MatchLogic): Branch[] {
  if ("or" in m) return m.or.flatMap(branches);
  if ("and" in m) return [{ matchType: "regex", model: `^${lookahead(m)}` }];
  if ("equals" in m) return [{ matchType: "exact", model: m.equals.toLowerCase() }];
  if ("starts_with" in m) return [{ matchType: "prefix", model: m.starts_with.toLowerCase() }];
  if ("ends_with" in m) return [{ matchType: "suffix", model: m.ends_with.toLowerCase() }];
  if ("contains" in m) return [{ matchType: "contains", model: m.contains.toLowerCase() }];
  return [{ matchType: "regex", model: m.regex }];
}

const usd = (n: number) => formatDecimal(normalize(decimalFromNumber(n)));

type PriceValue = ModelPrice[string];

function baseOf(v: PriceValue): number | undefined {
  return typeof v === "number" ? v : v?.base;
}

/** The rate of `v` for calls above `threshold` input tokens (its highest tier at or below it). */
function rateAbove(v: PriceValue, threshold: number): number | undefined {
  if (typeof v !== "object") return v;
  let rate = v.base;
  for (const t of [...v.tiers].sort((a, b) => a.start - b.start)) if (t.start <= threshold) rate = t.price;
  return rate;
}

function convertPrices(p: ModelPrice): { rates: Rates; tiers: PriceTier[] | null } | null {
  const input = p.input_mtok;
  const output = p.output_mtok;
  const hasAnyKey = Object.values(p).some((v) => v !== undefined);
  if (input === undefined && output === undefined && hasAnyKey) return null; // priced per image/second/request only
  const write5m = p.cache_write_5m_mtok ?? p.cache_write_mtok;
  const pick = (v: PriceValue) => (baseOf(v) === undefined ? null : usd(baseOf(v)!));
  // A key with no price costs nothing in genai-prices (an empty price object is a free model).
  const rates: Rates = {
    inputUsdPerMTok: pick(input) ?? "0",
    cachedInputUsdPerMTok: pick(p.cache_read_mtok),
    cacheWriteUsdPerMTok: pick(write5m),
    cacheWrite1hUsdPerMTok: pick(p.cache_write_1h_mtok),
    outputUsdPerMTok: pick(output) ?? "0",
  };
  // Set only when present, so rows without audio rates keep their content (and so their ids).
  const inputAudio = pick(p.input_audio_mtok);
  const outputAudio = pick(p.output_audio_mtok);
  if (inputAudio !== null) rates.inputAudioUsdPerMTok = inputAudio;
  if (outputAudio !== null) rates.outputAudioUsdPerMTok = outputAudio;
  const starts = new Set<number>();
  for (const v of [input, output, p.cache_read_mtok, write5m, p.cache_write_1h_mtok])
    if (typeof v === "object") for (const t of v.tiers) starts.add(t.start);
  if (starts.size === 0) return { rates, tiers: null };
  const tiers = [...starts]
    .sort((a, b) => a - b)
    .map((start) => {
      const tier: PriceTier = { aboveInputTokens: start };
      const set = (key: Exclude<keyof PriceTier, "aboveInputTokens">, v: PriceValue) => {
        const r = rateAbove(v, start);
        if (typeof v === "object" && r !== undefined) tier[key] = usd(r);
      };
      set("inputUsdPerMTok", input);
      set("cachedInputUsdPerMTok", p.cache_read_mtok);
      set("cacheWriteUsdPerMTok", write5m);
      set("cacheWrite1hUsdPerMTok", p.cache_write_1h_mtok);
      set("outputUsdPerMTok", output);
      return tier;
    });
  return { rates, tiers };
}

/** genai-prices' "HH:MM:SS[.fff](Z|±HH:MM)" as a UTC "HH:MM:SS" (fractions dropped), or null. */
function utcTimeOfDay(text: string): string | null {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return null;
  const local = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  const offset = m[4] === "Z" ? 0 : (m[5] === "+" ? 1 : -1) * (Number(m[6]) * 3600 + Number(m[7]) * 60);
  const utc = (((local - offset) % 86400) + 86400) % 86400;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(utc / 3600))}:${pad(Math.floor((utc % 3600) / 60))}:${pad(utc % 60)}`;
}

function rowId(provider: string, model: ModelInfo, content: unknown): string {
  const hash = createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 16);
  return `gp:${provider}:${model.id}:${hash}`;
}

/**
 * Converts genai-prices' provider data to price rows: one row per match branch and dated price entry,
 * USD per 1M tokens as decimal strings, start dates as effectiveFrom, tiers merged per threshold. The id
 * hashes the row's content, so a corrected price in a newer package version adds a row (the newer wins)
 * instead of being ignored.
 */
export function convertGenaiPrices(providers: readonly Provider[]): SourceConversion {
  const out: SourceConversion = {
    rows: [],
    models: 0,
    skipped: { badTimeOfDay: 0, noTokenPrices: 0, shadowedBranches: 0 },
    dailyWindowPrices: 0,
    ignoredPriceKeys: {},
  };
  // genai-prices uses the first model whose rule matches; a later model repeating a name is never reached.
  const seen = new Set<string>();
  for (const provider of providers) {
    for (const model of provider.models) {
      out.models += 1;
      const entries = Array.isArray(model.prices) ? model.prices : [{ prices: model.prices }];
      // genai-prices lets a later entry override earlier ones; a daily window listed after a start date
      // refines that date's price, so it takes the latest start date listed before it.
      let latestStart = BEGINNING;
      for (const entry of entries) {
        const constraint = entry.constraint;
        let window: { start: string; end: string } | null = null;
        if (constraint?.type === "start_date") {
          const start = new Date(`${constraint.start_date}T00:00:00.000Z`);
          if (start > latestStart) latestStart = start;
        } else if (constraint?.type === "time_of_date") {
          const start = utcTimeOfDay(constraint.start_time);
          const end = utcTimeOfDay(constraint.end_time);
          if (!start || !end || start === end) {
            out.skipped.badTimeOfDay += 1;
            continue;
          }
          window = { start, end };
          out.dailyWindowPrices += 1;
        }
        for (const key of Object.keys(entry.prices))
          if (!TOKEN_PRICE_KEYS.has(key)) out.ignoredPriceKeys[key] = (out.ignoredPriceKeys[key] ?? 0) + 1;
        const converted = convertPrices(entry.prices);
        if (!converted) {
          out.skipped.noTokenPrices += 1;
          continue;
        }
        const effectiveFrom =
          constraint?.type === "start_date" ? new Date(`${constraint.start_date}T00:00:00.000Z`) : window ? latestStart : BEGINNING;
        for (const branch of branches(model.match)) {
          const key = JSON.stringify([provider.id, branch.matchType, branch.model, effectiveFrom.getTime(), window]);
          if (seen.has(key)) {
            out.skipped.shadowedBranches += 1;
            continue;
          }
          seen.add(key);
          const content = window
            ? [provider.id, branch, effectiveFrom.toISOString(), converted, window]
            : [provider.id, branch, effectiveFrom.toISOString(), converted];
          out.rows.push({
            id: rowId(provider.id, model, content),
            provider: provider.id,
            model: branch.model,
            matchType: branch.matchType,
            serviceTier: null,
            effectiveFrom,
            ...converted.rates,
            tiers: converted.tiers,
            dailyStartUtc: window?.start ?? null,
            dailyEndUtc: window?.end ?? null,
            source: GENAI_PRICES_SOURCE,
          });
        }
      }
    }
  }
  return out;
}

let bundled: SourceConversion | undefined;

/** The rows of the data bundled in the installed @pydantic/genai-prices (no network; converted once). */
export async function bundledGenaiPriceRows(): Promise<SourceConversion> {
  bundled ??= convertGenaiPrices((await waitForUpdate()) ?? []);
  return bundled;
}
