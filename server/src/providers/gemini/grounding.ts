import { FEE_KINDS } from "../../pricing/fee-price-row.ts";
import type { FeeCount } from "../../domain/fee.ts";
import { obj } from "../json.ts";

/**
 * Grounding with Google Search, from candidates[].groundingMetadata.webSearchQueries. Google bills Gemini 3
 * models per search query (unique, empty queries ignored) and earlier models per grounded prompt (one per
 * request that searched), so the count is the one that model is billed by.
 */
export class GroundingCounter {
  private readonly queries = new Set<string>();
  private searched = false;

  /** Adds one GenerateContentResponse (a whole body or one stream chunk). */
  add(json: Record<string, unknown>): void {
    const candidates = json.candidates;
    if (!Array.isArray(candidates)) return;
    for (const c of candidates) {
      const queries = obj(obj(c)?.groundingMetadata)?.webSearchQueries;
      if (!Array.isArray(queries)) continue;
      for (const q of queries) {
        if (typeof q !== "string" || q.trim() === "") continue;
        this.searched = true;
        this.queries.add(q);
      }
    }
  }

  fees(model: string | null | undefined): FeeCount[] | undefined {
    if (!this.searched) return undefined;
    const perQuery = /(^|\/)gemini-3/i.test(model ?? "");
    return [{ kind: FEE_KINDS.googleSearch, count: perQuery ? this.queries.size : 1 }];
  }
}
