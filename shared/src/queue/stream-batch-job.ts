import { createHash } from 'node:crypto';
import { z } from 'zod';
import { packLambdaRecords, unpackLambdaRecords } from '../events/packed-records.js';
import { STREAM_SOURCE_KINDS } from '../sources/source-kinds.js';

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The BullMQ queue that carries stream batches from pollers to workers. */
export const STREAM_BATCH_QUEUE = 'stream-batches';

/**
 * A contiguous slice `records[start, end)` of the job's batch that is invoked on its own: the whole
 * batch at first, then bisect halves or the remainder after a partial batch failure.
 * `functionErrors` spends MaximumRetryAttempts; `invocations` is how often its records were invoked
 * (the failure record's approximateInvokeCount).
 */
export const subBatchSchema = z.object({
  start: z.number().int().min(0),
  // 0 only for a tumbling window's final invocation, which carries no records.
  end: z.number().int().min(0),
  functionErrors: z.number().int().min(0),
  invocations: z.number().int().min(0),
});

export type SubBatch = z.infer<typeof subBatchSchema>;

/** Why a batch was given up on (the on-failure record's `condition`). */
export const discardConditionSchema = z.enum(['RetryAttemptsExhausted', 'RecordAgeExceeded']);

/**
 * Everything a batch goes through happens inside its one job, and this is the job's place in it,
 * saved with job.updateData before every retry so a worker crash or a takeover resumes here.
 */
export const batchProgressSchema = z.object({
  /** Sub-batches still to invoke, in lane order: the head runs next. */
  pending: z.array(subBatchSchema),
  /** Function invocations of this job so far (answered, successfully or not). */
  invocations: z.number().int().min(0),
  /** The last sub-batch discarded, for the job's outcome. */
  discarded: z.object({ condition: discardConditionSchema, lastError: z.string().optional() }).optional(),
  /**
   * A failure record (JSON) that is built but not yet delivered to the on-failure destination, and
   * the records it covers (S3 gets them). Delivered before anything else on the next attempt.
   */
  undelivered: z.object({ record: z.string(), start: z.number().int().min(0), end: z.number().int().min(1), attempts: z.number().int().min(0) }).optional(),
});

export type BatchProgress = z.infer<typeof batchProgressSchema>;

/**
 * The tumbling window (TumblingWindowInSeconds) a batch belongs to, epoch ms, end exclusive. A final
 * invocation carries no records: it hands the function the window's state once the window is over
 * (or ended early, its state past the size cap).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
 */
export const batchWindowSchema = z.object({
  startMs: z.number().int(),
  endMs: z.number().int(),
  isFinal: z.boolean(),
  terminatedEarly: z.boolean(),
});

export type BatchWindow = z.infer<typeof batchWindowSchema>;

/**
 * One batch of one shard lane, as a BullMQ job. It carries everything a worker needs, so a worker
 * never reads the stream: the records in Lambda's format and the mapping's failure settings as
 * they were when the batch was read. Parsed with zod where the worker takes it off the queue.
 */
export const streamBatchJobSchema = z.object({
  mappingId: z.string(),
  /**
   * The incarnation of the stream the records came from (StreamSource.identity()): part of the job
   * id, so a stream deleted and created again, whose sequence numbers may repeat, never finds the
   * old stream's finished job under the same id.
   */
  streamIdentity: z.string(),
  functionName: z.string(),
  functionArn: z.string(),
  eventSourceArn: z.string(),
  sourceKind: z.enum(STREAM_SOURCE_KINDS),
  shardId: z.string(),
  /** 0 without ParallelizationFactor; otherwise the partition-key lane 0..N-1. */
  lane: z.number().int().min(0),
  /**
   * Empty only for a tumbling window's final invocation. Stored packed (packStreamBatchJob): each
   * record without the members all of them share, which are in sharedRecordMembers; in memory, on
   * both sides of the queue, Lambda's whole records. Each record is checked to be a JSON object and
   * kept as it is: our own poller built it (buildKinesisStreamRecord and its DynamoDB twin), and
   * copying every member of 100 records on each attempt (what z.record does) was the worker's
   * largest share of zod's time.
   */
  records: z.array(z.custom<Record<string, unknown>>(isJsonObject, { message: 'a record must be a JSON object' })),
  /**
   * Present when `records` are packed (packed-records.ts): the members every record of the batch
   * shares. Absent in jobs of pollers before 2026-12-04, whose records are Lambda's whole records.
   */
  sharedRecordMembers: z.record(z.string(), z.string()).optional(),
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
  /** BisectBatchOnFunctionError: a failed batch is split in two and each half retried. */
  bisectBatchOnFunctionError: z.boolean().default(false),
  /** FunctionResponseTypes: with ReportBatchItemFailures the function's `batchItemFailures` count. */
  functionResponseTypes: z.array(z.literal('ReportBatchItemFailures')).default([]),
  /** DestinationConfig.OnFailure.Destination: an SQS queue, SNS topic or S3 bucket ARN. */
  onFailureDestination: z.string().optional(),
  /** MetricsConfig EventCount is on: the worker counts the batch's events (set only then, so the job costs nothing more otherwise). */
  countEvents: z.literal(true).optional(),
  /** Where the job is inside its batch; absent until the first attempt saves it. */
  progress: batchProgressSchema.optional(),
  /** Set on mappings with TumblingWindowInSeconds: the window the batch belongs to. */
  window: batchWindowSchema.optional(),
}).refine((job) => job.records.length > 0 || job.window?.isFinal === true, { message: 'a batch needs records (only a final window invocation has none)', path: ['records'] });

export type StreamBatchJob = z.infer<typeof streamBatchJobSchema>;

/**
 * The job as the queue stores it: its records packed (packed-records.ts), about half the size of
 * Lambda's whole records. A job already packed is returned as it is.
 */
export function packStreamBatchJob(job: StreamBatchJob): StreamBatchJob {
  if (job.sharedRecordMembers !== undefined) return job;
  const packed = packLambdaRecords(job.sourceKind, job.records);
  return { ...job, records: packed.records, sharedRecordMembers: packed.shared };
}

/** The job with Lambda's whole records again (packStreamBatchJob's inverse); an unpacked job as it is. */
export function unpackStreamBatchJob(job: StreamBatchJob): StreamBatchJob {
  const { sharedRecordMembers, ...rest } = job;
  if (sharedRecordMembers === undefined) return job;
  return { ...rest, records: unpackLambdaRecords(job.sourceKind, job.shardId, { records: job.records, shared: sharedRecordMembers }) };
}

export type DiscardCondition = z.infer<typeof discardConditionSchema>;

/** A batch's final outcome: the job's return value. The poller checkpoints past it either way. */
export type BatchOutcome = (
  | { readonly status: 'succeeded'; readonly invocations: number }
  | { readonly status: 'discarded'; readonly condition: DiscardCondition; readonly invocations: number; readonly lastError?: string }
) & {
  /** Tumbling windows: the window's state passed the size cap, so the window ends early. */
  readonly window?: { readonly terminatedEarly: boolean };
  /**
   * The last sequence number of the batch the worker processed: the job's stored data, which after
   * a takeover may end elsewhere than the batch the new owner offered. The poller checkpoints by it
   * without reading the whole job (100 records) back. Absent from outcomes of workers before it.
   */
  readonly lastSequenceNumber?: string;
};

/**
 * The job id is deterministic, so a poller that takes over a shard and reads the same batch again
 * finds the job already queued and awaits it instead of invoking twice. It names the stream
 * incarnation by a short hash (ARNs are long, and BullMQ forbids ':' in ids).
 */
export function streamBatchJobId(job: Pick<StreamBatchJob, 'mappingId' | 'streamIdentity' | 'shardId' | 'lane' | 'firstSequenceNumber' | 'window'>): string {
  const incarnation = createHash('sha256').update(job.streamIdentity).digest('hex').slice(0, 12);
  // A window's final invocation starts where the window's first batch did: the suffix keeps them apart.
  const final = job.window?.isFinal === true ? '.final' : '';
  return `${job.mappingId}.${incarnation}.${job.shardId}.${job.lane}.${job.firstSequenceNumber}${final}`;
}
