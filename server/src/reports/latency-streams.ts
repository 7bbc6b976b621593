import type { PrismaClient } from "../db/client.ts";
import { z } from "zod";
import { TollgateError } from "../lib/errors.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { OUTCOMES } from "../domain/call-record.ts";

/**
 * Time to first token split by streamed and non-streamed calls, and the generation speed of streams, per
 * provider, app or model. Neither is in the rollups (they have no stream dimension), so this reads every call
 * of the range (on the started_at index) and sorts each group's TTFTs: the range is capped at
 * STREAMS_MAX_DAYS.
 *
 * Tokens per second: over the successful streamed calls with a first token and output tokens, the sum of
 * their output tokens divided by the sum of their generation times, generation time being latency minus
 * time to first token (the time the stream spent delivering tokens). Calls with longer generation weigh more:
 * it is the rate at which the group's streams produced tokens, not an average of per-call rates.
 */
export const STREAMS_MAX_DAYS = 31;
const PS = [0.5, 0.9, 0.95, 0.99] as const;

/** ok, all, any failure ("failed") or one outcome. */
export const outcomeFilter = z.enum(["all", "failed", ...OUTCOMES]);

const time = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
export const streamsSchema = z.object({
  from: time.optional(),
  to: time.optional(),
  groupBy: z.enum(["provider", "app", "model"]).default("model"),
  provider: z.string().min(1).max(200).optional(),
  app: z.string().min(1).max(200).optional(),
  model: z.string().min(1).max(200).optional(),
  outcome: outcomeFilter.default("ok"),
});
export type StreamsQuery = z.infer<typeof streamsSchema>;

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}
export interface StreamFigures {
  streamed: { calls: number; ttftMs: Percentiles };
  nonStreamed: { calls: number; ttftMs: Percentiles };
  /** successful streams with a first token and output tokens: the ones tokensPerSecond is measured over */
  generationCalls: number;
  outputTokens: number;
  generationMs: number;
  /** outputTokens / (generationMs / 1000); null without such a stream */
  tokensPerSecond: number | null;
}
export interface StreamsReport {
  from: string;
  to: string;
  groupBy: string;
  outcome: string;
  totals: StreamFigures;
  groups: Array<StreamFigures & { key: string }>;
}

/** The outcome condition: ok and one outcome exact, "failed" every outcome but ok, "all" none. */
export function outcomeSql(outcome: z.infer<typeof outcomeFilter>): Prisma.Sql {
  if (outcome === "all") return Prisma.sql`TRUE`;
  if (outcome === "failed") return Prisma.sql`outcome <> 'ok'`;
  return Prisma.sql`outcome = ${outcome}`;
}

const GROUP = { provider: Prisma.sql`provider`, app: Prisma.sql`app`, model: Prisma.sql`coalesce(model, '(none)')` } as const;
const ARR = Prisma.raw(`ARRAY[${PS.join(", ")}]`);

interface Row {
  grp: string | null;
  streamed: string;
  non_streamed: string;
  ttft_streamed: Array<number | null> | null;
  ttft_non_streamed: Array<number | null> | null;
  gen_calls: string;
  gen_tokens: string;
  gen_ms: number | null;
}

const round = (v: number | null | undefined) => (v == null ? null : Math.round(v * 1000) / 1000);
const pcts = (v: Array<number | null> | null): Percentiles => ({
  p50: round(v?.[0]),
  p90: round(v?.[1]),
  p95: round(v?.[2]),
  p99: round(v?.[3]),
});

function figures(r: Row | undefined): StreamFigures {
  const outputTokens = Number(r?.gen_tokens ?? 0);
  const generationMs = round(r?.gen_ms ?? 0) ?? 0;
  return {
    streamed: { calls: Number(r?.streamed ?? 0), ttftMs: pcts(r?.ttft_streamed ?? null) },
    nonStreamed: { calls: Number(r?.non_streamed ?? 0), ttftMs: pcts(r?.ttft_non_streamed ?? null) },
    generationCalls: Number(r?.gen_calls ?? 0),
    outputTokens,
    generationMs,
    tokensPerSecond: generationMs > 0 ? Math.round((outputTokens / (generationMs / 1000)) * 100) / 100 : null,
  };
}

export async function latencyStreams(db: PrismaClient, q: StreamsQuery, now = new Date()): Promise<StreamsReport> {
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - 24 * 3600_000);
  if (from >= to) throw new TollgateError("invalid_request", "from: must be before to");
  if (to.getTime() - from.getTime() > STREAMS_MAX_DAYS * 86_400_000)
    throw new TollgateError("invalid_request", `from: the range is at most ${STREAMS_MAX_DAYS} days`);
  const filters = [Prisma.sql`started_at >= ${from}`, Prisma.sql`started_at < ${to}`, outcomeSql(q.outcome)];
  if (q.provider !== undefined) filters.push(Prisma.sql`provider = ${q.provider}`);
  if (q.app !== undefined) filters.push(Prisma.sql`app = ${q.app}`);
  if (q.model !== undefined) filters.push(Prisma.sql`model = ${q.model}`);
  const gen = Prisma.sql`stream AND outcome = 'ok' AND ttft_ms IS NOT NULL AND latency_ms > ttft_ms AND output_tokens > 0`;
  const figuresSql = Prisma.sql`count(*) FILTER (WHERE stream)::text AS streamed, count(*) FILTER (WHERE NOT stream)::text AS non_streamed,
        percentile_cont(${ARR}) WITHIN GROUP (ORDER BY ttft_ms) FILTER (WHERE stream) AS ttft_streamed,
        percentile_cont(${ARR}) WITHIN GROUP (ORDER BY ttft_ms) FILTER (WHERE NOT stream) AS ttft_non_streamed,
        count(*) FILTER (WHERE ${gen})::text AS gen_calls,
        coalesce(sum(output_tokens) FILTER (WHERE ${gen}), 0)::text AS gen_tokens,
        (sum(latency_ms - ttft_ms) FILTER (WHERE ${gen}))::float8 AS gen_ms`;
  const where = Prisma.join(filters, " AND ");
  // Two plain statements, per group and overall (percentiles do not add up), rather than grouping sets,
  // which Citus cannot run across the shards of calls.
  const [groupRows, totalRows] = await Promise.all([
    db.$queryRaw<Row[]>`SELECT ${GROUP[q.groupBy]} AS grp, ${figuresSql} FROM calls WHERE ${where} GROUP BY 1`,
    db.$queryRaw<Row[]>`SELECT NULL::text AS grp, ${figuresSql} FROM calls WHERE ${where}`,
  ]);
  const groups = groupRows.map((r) => ({ key: r.grp as string, ...figures(r) }));
  groups.sort((a, b) => (b.tokensPerSecond ?? -1) - (a.tokensPerSecond ?? -1) || a.key.localeCompare(b.key));
  return { from: from.toISOString(), to: to.toISOString(), groupBy: q.groupBy, outcome: q.outcome, totals: figures(totalRows[0]), groups };
}
