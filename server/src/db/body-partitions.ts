import type { PrismaClient } from "./client.ts";
import { MONTHS_AHEAD } from "./partitions.ts";

const DAY_MS = 86_400_000;

export interface BodyPartitionMaintenance {
  stop(): void;
}

/**
 * Keeps call_bodies' monthly partitions ready (migration 20261207161000_call_bodies) and applies its
 * retention: once now (awaited), then daily. Bodies older than `retentionDays` go — whole months by dropping
 * their partition, the rest of the cutoff's month by DELETE.
 */
export async function startBodyPartitionMaintenance(options: {
  prisma: PrismaClient;
  retentionDays: number;
  onRun?: (created: number, dropped: string[]) => void;
  onError?: (err: unknown) => void;
  intervalMs?: number;
}): Promise<BodyPartitionMaintenance> {
  const run = async (): Promise<void> => {
    const { prisma } = options;
    const [made] = await prisma.$queryRaw<
      { created: number }[]
    >`SELECT tollgate_ensure_body_partitions(now(), ${MONTHS_AHEAD}::int) AS created`;
    const cutoff = new Date(Date.now() - options.retentionDays * DAY_MS);
    const dropped = await prisma.$queryRaw<{ name: string }[]>`SELECT tollgate_expire_bodies_before(${cutoff}::timestamptz) AS name`;
    options.onRun?.(
      made?.created ?? 0,
      dropped.map((d) => d.name),
    );
  };
  await run();
  const timer = setInterval(() => {
    run().catch((err: unknown) => options.onError?.(err));
  }, options.intervalMs ?? DAY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
