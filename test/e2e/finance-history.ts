// Two and a bit months of calls for the finance walk: three teams (a request property) across apps and
// models, from Sep 30 (so October is fully covered) to the end of November, at costs with ≤ 12 decimals.
import type { CallRecord } from "../../server/src/domain/call-record.ts";
import { call } from "../server/api/fixtures.ts";

const TEAMS = ["research", "growth", "support"] as const;
const MODELS = [
  { provider: "openai", model: "gpt-4o-mini", app: "search" },
  { provider: "anthropic", model: "claude-sonnet-4-5", app: "chat" },
] as const;

export function financeHistory(): CallRecord[] {
  const out: CallRecord[] = [];
  const start = Date.parse("2026-09-30T12:00:00Z");
  for (let i = 0; i < 150; i++) {
    const at = new Date(start + i * 10 * 3_600_000 + 1_234); // every 10 hours to Nov 30
    const team = TEAMS[i % 3]!;
    const m = MODELS[i % 2]!;
    // growth spends more in November than in October; support less
    const nov = at.getUTCMonth() === 10;
    const units = (i % 7) + 1 + (team === "growth" && nov ? 5 : 0) + (team === "support" && !nov ? 3 : 0);
    out.push(
      call({
        at: at.toISOString(),
        ...m,
        properties: { team },
        costUsd: `0.${String(units * 12_345).padStart(6, "0")}`,
        inputTokens: 100 * units,
        outputTokens: 10 * units,
        priceId: "e2e-price",
      }),
    );
  }
  // one call of research in November to a model without a price
  out.push(
    call({
      at: "2026-11-15T08:00:00Z",
      provider: "openai",
      model: "legacy-e2e-model",
      app: "search",
      properties: { team: "research" },
      costUsd: null,
      priced: false,
      priceId: null,
      inputTokens: 50,
      outputTokens: 5,
    }),
  );
  return out;
}
