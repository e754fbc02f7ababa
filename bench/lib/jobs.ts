import { createRedis, mastersOf } from '@sluice/shared';
import { percentile } from './report.js';

/** One finished stream-batch job, as Sluice left it in Redis (removeOnComplete keeps it an hour). */
export interface FinishedJob {
  readonly shard: string;
  readonly firstSequenceNumber: bigint;
  /** Poller clock (epoch ms) when the batch was cut (job data `enqueuedAt`). */
  readonly enqueuedAt: number;
  /** When BullMQ added the job (epoch ms). */
  readonly timestamp: number;
  /** When a worker started it (epoch ms). */
  readonly processedOn: number;
  /** When the worker finished it (epoch ms). */
  readonly finishedOn: number;
  /** The bench payload number `n` of each record in the batch. */
  readonly numbers: readonly number[];
}

/**
 * Reads the finished stream-batch jobs of one mapping straight from their hashes
 * (`{prefix:stream-batches}:stream-batches:<mapping>.<shard>.<lane>.<seq>`), read-only; on a
 * single Redis or a cluster (`redis+cluster://`, the queue's slot found by scanning every master).
 */
export async function readFinishedJobs(redisUrl: string, prefix: string, mappingId: string): Promise<FinishedJob[]> {
  const redis = createRedis(redisUrl);
  try {
    await redis.ping(); // a cluster client knows its masters once connected
    const keys: string[] = [];
    for (const node of mastersOf(redis)) {
      let cursor = '0';
      do {
        const [next, found] = await node.scan(cursor, 'MATCH', `{${prefix}:stream-batches}:stream-batches:${mappingId}.*`, 'COUNT', 1000);
        keys.push(...found.filter((k) => !k.endsWith(':logs') && !k.endsWith(':lock')));
        cursor = next;
      } while (cursor !== '0');
    }
    const jobs: FinishedJob[] = [];
    for (const key of keys) {
      const [data, timestamp, processedOn, finishedOn] = await redis.hmget(key, 'data', 'timestamp', 'processedOn', 'finishedOn');
      if (data == null || finishedOn == null) continue;
      // Stored packed (packStreamBatchJob): each Kinesis record is Lambda's `kinesis` member.
      const parsed = JSON.parse(data) as { shardId: string; firstSequenceNumber: string; enqueuedAt: number; records: { data: string }[] };
      jobs.push({
        shard: parsed.shardId,
        firstSequenceNumber: BigInt(parsed.firstSequenceNumber),
        enqueuedAt: parsed.enqueuedAt,
        timestamp: Number(timestamp),
        processedOn: Number(processedOn),
        finishedOn: Number(finishedOn),
        numbers: parsed.records.map((r) => (JSON.parse(Buffer.from(r.data, 'base64').toString('utf8')) as { n: number }).n),
      });
    }
    return jobs;
  } finally {
    redis.disconnect();
  }
}

export interface Summary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Where each batch's time went. */
export interface JobTimings {
  readonly batches: number;
  /** Poller: batch cut -> job added. */
  readonly add: Summary;
  /** Queue: job added -> a worker started it. */
  readonly queued: Summary;
  /** Worker: started -> finished (function lookup, invoke, completion). */
  readonly processing: Summary;
  /** Poller: a shard's batch finished -> the next batch of that shard cut (outcome event, checkpoint, loop). */
  readonly turnaround: Summary;
}

export function jobTimings(jobs: readonly FinishedJob[]): JobTimings {
  const byShard = new Map<string, FinishedJob[]>();
  for (const job of jobs) byShard.set(job.shard, [...(byShard.get(job.shard) ?? []), job]);
  const turnaround: number[] = [];
  for (const list of byShard.values()) {
    list.sort((a, b) => (a.firstSequenceNumber < b.firstSequenceNumber ? -1 : 1));
    for (let i = 1; i < list.length; i += 1) turnaround.push(list[i]!.enqueuedAt - list[i - 1]!.finishedOn);
  }
  return {
    batches: jobs.length,
    add: summarize(jobs.map((j) => j.timestamp - j.enqueuedAt)),
    queued: summarize(jobs.map((j) => j.processedOn - j.timestamp)),
    processing: summarize(jobs.map((j) => j.finishedOn - j.processedOn)),
    turnaround: summarize(turnaround),
  };
}
