import type { PrismaClient } from "../../generated/prisma/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import type { CallRecord } from "../../domain/call-record.ts";
import type { Metering } from "../../proxy/finish.ts";
import type { CallState } from "../../proxy/call-state.ts";
import { uuidv7 } from "../../lib/uuidv7.ts";
import { priceFailedEmptyCall } from "../../recording/zero-cost.ts";
import type { BatchEvent } from "../../providers/batches/batch-event.ts";
import { lineRecord, parseBatchLines, type BatchRecordBase } from "./batch-lines.ts";

export interface BatchMeterDeps {
  prisma: PrismaClient;
  priceCall: Metering["priceCall"];
  /** the recorder's queue */
  record(record: CallRecord): void;
  onError(err: unknown): void;
}

/**
 * Meters batch jobs, which never pass the per-call path: a batch created through Tollgate is remembered with
 * its creator's attribution; when its results are read through Tollgate, each result line becomes a call of
 * that app and key (the reader's when the batch was not created here) with the line's usage, priced at the
 * batch tier. A line recorded once (batch_results) is never recorded again, however often results are read.
 * Runs after the reading call has ended, off the proxy's path.
 */
export class BatchMeter {
  /** events run one at a time, in arrival order: a retrieve's file ids are stored before a later read looks them up */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: BatchMeterDeps) {}

  handle(call: CallState, event: BatchEvent): void {
    this.queue = this.queue.then(() => this.run(call, event)).catch((err: unknown) => this.deps.onError(err));
  }

  /** resolves once every event handed so far has been processed (its calls handed to the recorder) */
  idle(): Promise<void> {
    return this.queue;
  }

  private async run(call: CallState, event: BatchEvent): Promise<void> {
    if (event.type === "seen") return this.remember(call, event);
    const job = await this.jobFor(event);
    const lines = parseBatchLines(event.format, event.text);
    if (lines.length === 0) return;
    const scope = job?.id ?? event.batchId ?? event.fileId ?? "unknown";
    const now = Date.now();
    const planned = lines.map((line) => {
      const startedAt = line.startedAt ?? new Date(now);
      return { line, startedAt, id: uuidv7(startedAt.getTime()), key: `${event.format}:${scope}:${line.customId}` };
    });
    const inserted = await this.deps.prisma.$queryRaw<Array<{ key: string }>>(Prisma.sql`
      INSERT INTO batch_results (key, call_id)
      SELECT * FROM unnest(${planned.map((p) => p.key)}::text[], ${planned.map((p) => p.id)}::uuid[])
      ON CONFLICT (key) DO NOTHING RETURNING key`);
    const fresh = new Set(inserted.map((r) => r.key));
    const base: BatchRecordBase = {
      provider: call.provider.name,
      app: job?.app ?? call.attribution.app ?? "unknown",
      user: job ? job.user : call.attribution.user,
      properties: job ? ((job.properties as Record<string, string> | null) ?? null) : call.attribution.properties,
      keyId: job ? job.keyId : call.keyId,
    };
    for (const p of planned) {
      if (!fresh.has(p.key)) continue;
      const record = lineRecord(p.id, p.line, p.startedAt, base);
      if (p.line.facts.usage) {
        const price = this.deps.priceCall({
          provider: call.provider.priceProvider,
          model: record.model,
          responseModel: record.responseModel,
          startedAt: record.startedAt,
          serviceTier: "batch",
          usage: p.line.facts.usage,
          fees: p.line.facts.fees ?? null,
        });
        Object.assign(record, { costUsd: price.costUsd, priceId: price.priceId, priced: price.priced });
        if (price.fees) Object.assign(record, { fees: price.fees, feesUsd: price.feesUsd ?? null });
      }
      // Errored, canceled and expired requests are not billed: $0, not unpriced.
      priceFailedEmptyCall(record);
      this.deps.record(record);
    }
  }

  /** A batch's answer passed: remember its creator (at creation) and its result files. */
  private async remember(call: CallState, event: Extract<BatchEvent, { type: "seen" }>): Promise<void> {
    const files = { outputFileId: event.outputFileId ?? undefined, errorFileId: event.errorFileId ?? undefined };
    await this.deps.prisma.batchJob.upsert({
      where: { id: event.batchId },
      create: {
        id: event.batchId,
        format: event.format,
        provider: call.provider.name,
        app: call.attribution.app ?? "unknown",
        user: call.attribution.user,
        keyId: call.keyId,
        properties: call.attribution.properties ?? Prisma.DbNull,
        ...files,
      },
      update: files,
    });
  }

  private jobFor(event: Extract<BatchEvent, { type: "results" }>) {
    if (event.batchId) return this.deps.prisma.batchJob.findUnique({ where: { id: event.batchId } });
    if (!event.fileId) return Promise.resolve(null);
    return this.deps.prisma.batchJob.findFirst({ where: { OR: [{ outputFileId: event.fileId }, { errorFileId: event.fileId }] } });
  }
}
