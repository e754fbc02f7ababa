import { z } from 'zod';

/** The BullMQ queue that carries stream batches from pollers to workers. */
export const STREAM_BATCH_QUEUE = 'stream-batches';

/**
 * One batch of one shard lane, as a BullMQ job. It carries everything a worker needs, so a worker
 * never reads the stream: the records in Lambda's format and the mapping's failure settings as
 * they were when the batch was read. Parsed with zod where the worker takes it off the queue.
 */
export const streamBatchJobSchema = z.object({
  mappingId: z.string(),
  functionName: z.string(),
  functionArn: z.string(),
  eventSourceArn: z.string(),
  sourceKind: z.enum(['kinesis', 'kinesis-consumer', 'dynamodb']),
  shardId: z.string(),
  /** 0 without ParallelizationFactor; otherwise the partition-key lane 0..N-1. */
  lane: z.number().int().min(0),
  records: z.array(z.record(z.string(), z.unknown())).min(1),
  firstSequenceNumber: z.string(),
  lastSequenceNumber: z.string(),
  /** Approximate arrival of the first and last records, epoch ms (record age and iterator age). */
  firstArrivalMs: z.number(),
  lastArrivalMs: z.number(),
  maximumRetryAttempts: z.number().int(),
  maximumRecordAgeInSeconds: z.number().int(),
  /** Function errors so far: they spend MaximumRetryAttempts; transport faults do not. */
  functionErrors: z.number().int().min(0).default(0),
  enqueuedAt: z.number(),
});

export type StreamBatchJob = z.infer<typeof streamBatchJobSchema>;

/** Why a batch was given up on (the on-failure record's `condition`). */
export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** A batch's final outcome: the job's return value. The poller checkpoints past it either way. */
export type BatchOutcome =
  | { readonly status: 'succeeded'; readonly invocations: number }
  | { readonly status: 'discarded'; readonly condition: DiscardCondition; readonly invocations: number; readonly lastError?: string };

/**
 * The job id is deterministic, so a poller that takes over a shard and reads the same batch again
 * finds the job already queued and awaits it instead of invoking twice. BullMQ forbids ':' in ids.
 */
export function streamBatchJobId(mappingId: string, shardId: string, lane: number, firstSequenceNumber: string): string {
  return `${mappingId}.${shardId}.${lane}.${firstSequenceNumber}`;
}
