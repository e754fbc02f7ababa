import { z } from 'zod';
import { QUEUE_SOURCE_KINDS } from '../sources/source-kinds.js';

/** The BullMQ queue that carries queue-source batches (SQS) from pollers to workers. */
export const QUEUE_BATCH_QUEUE = 'queue-batches';

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One batch of messages received from a queue, as a BullMQ job. The worker invokes the function
 * once with it and says what became of each message; the poller that received them deletes the
 * ones that succeeded and leaves the others to come back after their visibility timeout (their
 * queue's redrive policy decides when they go to its dead-letter queue). Parsed with zod where
 * the worker takes it off the queue.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export const queueBatchJobSchema = z.object({
  mappingId: z.string(),
  functionName: z.string(),
  functionArn: z.string(),
  eventSourceArn: z.string(),
  sourceKind: z.enum(QUEUE_SOURCE_KINDS),
  /** Lambda's records, as the poller built them (buildSqsQueueMessage); checked to be objects, kept as they are. */
  records: z.array(z.custom<Record<string, unknown>>(isJsonObject, { message: 'a record must be a JSON object' })).min(1),
  /** FunctionResponseTypes: with ReportBatchItemFailures the function's `batchItemFailures` count. */
  functionResponseTypes: z.array(z.literal('ReportBatchItemFailures')).default([]),
  /** Faults on our side so far (function unreachable, throttled): retried in the job, up to a bound. */
  faults: z.number().int().min(0).default(0),
  enqueuedAt: z.number(),
  /** MetricsConfig EventCount is on: the worker counts the batch's events (set only then, so the job costs nothing more otherwise). */
  countEvents: z.literal(true).optional(),
});

export type QueueBatchJob = z.infer<typeof queueBatchJobSchema>;

/**
 * Why a whole batch failed: the function's error or invalid answer, a function that is not
 * registered, a fault of ours that outlasted its retries, or a worker that died running it.
 */
export type QueueBatchFailure = 'function_error' | 'invalid_response' | 'function_missing' | 'not_invoked' | 'worker_lost';

/**
 * What became of a batch: every message succeeded, some failed (their itemIdentifiers, under
 * ReportBatchItemFailures), or the whole batch failed. The poller deletes by it.
 */
export type QueueBatchOutcome =
  | { readonly status: 'succeeded' }
  | { readonly status: 'partial'; readonly failedItemIdentifiers: readonly string[] }
  | { readonly status: 'failed'; readonly reason: QueueBatchFailure; readonly detail?: string };
