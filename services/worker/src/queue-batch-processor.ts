import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import {
  ErrorCode,
  SluiceError,
  queueBatchJobSchema,
  queueProfile,
  type ConcurrencyLimiter,
  type FunctionDefinition,
  type FunctionStore,
  type InvokeResult,
  type Invoker,
  type Logger,
  type QueueBatchJob,
  type QueueBatchOutcome,
  type SluiceMetrics,
} from '@sluice/shared';
import { countAttempt } from './event-counts.js';
import { parseQueueItemFailures } from './batch-item-failures.js';

/** The slice of a BullMQ Job the processor uses; unit tests pass a plain object. */
export interface QueueProcessableJob {
  readonly id?: string | undefined;
  readonly data: unknown;
  /** Times BullMQ found the job's worker gone (its lock lapsed) and handed the job on. */
  readonly stalledCounter?: number;
  updateData(data: QueueBatchJob): Promise<void>;
}

export interface QueueBatchProcessorDeps {
  readonly functions: Pick<FunctionStore, 'get'>;
  readonly invoker: Invoker;
  readonly logger: Logger;
  readonly metrics?: SluiceMetrics;
  /** Functions' reserved concurrency, counted across processes with the Invoke API's calls. */
  readonly concurrency?: ConcurrencyLimiter;
  /**
   * Faults of ours (function unreachable, throttled by its reserved concurrency) retried inside
   * the job, with BullMQ's backoff, before the batch counts as failed and its messages go back.
   */
  readonly maxFaults?: number;
  readonly newRequestId?: () => string;
}

export type QueueBatchProcessor = (job: QueueProcessableJob, token?: string, signal?: AbortSignal) => Promise<QueueBatchOutcome>;

/** Retries of our own faults inside one job (with the worker's backoff: about 1 + 2 + 4 + 8 s). */
const DEFAULT_MAX_FAULTS = 4;
/** A concurrency slot outlives the function's Timeout by this much before it lapses (its holder died). */
const SLOT_GRACE_MS = 10_000;
/** How much of a failed function's answer travels in the outcome and the log. */
const MAX_DETAIL_CHARS = 1024;

type Attempt = { readonly kind: 'invoked'; readonly result: InvokeResult } | { readonly kind: 'function-missing' } | { readonly kind: 'fault'; readonly error: unknown };

/**
 * The BullMQ processor of queue batches (SQS): one invocation with Lambda's event, and an outcome
 * that tells the poller which messages to delete. The function's errors are never retried here:
 * a failed message goes back to its queue and comes back after its visibility timeout, so the
 * queue's redrive policy (maxReceiveCount) decides when it goes to its dead-letter queue, as on
 * Lambda. Only faults of ours are retried in the job, a few times, without spending a receive.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export function createQueueBatchProcessor(deps: QueueBatchProcessorDeps): QueueBatchProcessor {
  const newRequestId = deps.newRequestId ?? randomUUID;
  const maxFaults = deps.maxFaults ?? DEFAULT_MAX_FAULTS;

  async function attempt(batch: QueueBatchJob, signal: AbortSignal | undefined): Promise<Attempt> {
    const fn = await deps.functions.get(batch.functionName);
    if (fn === undefined) return { kind: 'function-missing' };
    const slot = await takeSlot(fn);
    if (slot === 'throttled') {
      return { kind: 'fault', error: new SluiceError(ErrorCode.InvokeTransport, `reserved concurrency ${fn.reservedConcurrentExecutions} of ${fn.name} reached`, { retryable: true }) };
    }
    try {
      const payload = JSON.stringify(queueProfile(batch.sourceKind).event(batch.records));
      const result = await deps.invoker.invoke({ fn, payload, requestId: newRequestId(), ...(signal ? { signal } : {}) });
      deps.metrics?.invocations.inc({ function: fn.name, outcome: result.functionError === undefined ? 'success' : 'function_error' });
      deps.metrics?.invokeDuration.observe({ function: fn.name }, result.durationMs / 1000);
      return { kind: 'invoked', result };
    } catch (error) {
      if (error instanceof SluiceError && error.code === ErrorCode.FunctionNotFound) return { kind: 'function-missing' };
      deps.metrics?.invocations.inc({ function: fn.name, outcome: 'transport_error' });
      return { kind: 'fault', error };
    } finally {
      if (slot !== undefined) await slot.release().catch(() => undefined);
    }
  }

  async function takeSlot(fn: FunctionDefinition) {
    const limit = fn.reservedConcurrentExecutions;
    if (limit === undefined || deps.concurrency === undefined) return undefined;
    return (await deps.concurrency.acquire(fn.name, limit, fn.timeout * 1000 + SLOT_GRACE_MS)) ?? ('throttled' as const);
  }

  return async (job, _token, signal) => {
    const batch = parseBatch(job);
    const log = deps.logger.child({ jobId: job.id, mappingId: batch.mappingId });
    if ((job.stalledCounter ?? 0) > 0) {
      // Its worker died mid-batch. The messages come back after their visibility timeout (their
      // poller stops keeping them once this outcome comes, or has died too): invoking now would
      // deliver, beside that, a batch nobody may wait for, with receipt handles that lapsed.
      log.warn({ stalled: job.stalledCounter }, 'queue batch lost its worker; its messages come back through their queue');
      return { status: 'failed', reason: 'worker_lost', detail: 'the worker running the batch stopped' };
    }
    const result = await attempt(batch, signal);
    countAttempt(deps.metrics, batch, batch.records.length, result.kind === 'invoked' ? (result.result.functionError === undefined ? 'succeeded' : 'function-error') : 'not-invoked');
    switch (result.kind) {
      case 'function-missing':
        return { status: 'failed', reason: 'function_missing', detail: `function ${batch.functionName} is not registered` };
      case 'fault': {
        const faults = batch.faults + 1;
        // A refusal of ours that will not pass (a non-retryable SluiceError) is not retried here either.
        const refused = result.error instanceof SluiceError && !result.error.retryable;
        if (faults > maxFaults || refused) {
          log.warn({ err: result.error, faults }, 'queue batch not invoked; its messages go back to the queue');
          return { status: 'failed', reason: 'not_invoked', detail: describe(result.error) };
        }
        // Saved first, so the bound holds across worker crashes; BullMQ retries after the backoff.
        await job.updateData({ ...batch, faults });
        log.warn({ err: result.error, faults }, 'queue batch will be retried');
        throw result.error instanceof SluiceError ? result.error : new SluiceError(ErrorCode.InvokeTransport, describe(result.error), { retryable: true, cause: result.error });
      }
      case 'invoked':
        return outcomeOf(batch, result.result);
    }
  };
}

/** A thrown or failed function fails the whole batch; under ReportBatchItemFailures its answer says which messages failed. */
function outcomeOf(batch: QueueBatchJob, result: InvokeResult): QueueBatchOutcome {
  if (result.functionError !== undefined) return { status: 'failed', reason: 'function_error', detail: result.payload.slice(0, MAX_DETAIL_CHARS) };
  if (!batch.functionResponseTypes.includes('ReportBatchItemFailures')) return { status: 'succeeded' };
  const profile = queueProfile(batch.sourceKind);
  const verdict = parseQueueItemFailures(
    result.payload,
    batch.records.map((r) => profile.itemIdentifier(r) ?? ''),
  );
  switch (verdict.kind) {
    case 'success':
      return { status: 'succeeded' };
    case 'partial':
      return { status: 'partial', failedItemIdentifiers: verdict.itemIdentifiers };
    case 'failure':
      return { status: 'failed', reason: 'invalid_response', detail: verdict.reason };
  }
}

/** The job payload is an edge: a malformed one is a bug upstream, and retrying cannot fix it. */
function parseBatch(job: QueueProcessableJob): QueueBatchJob {
  const parsed = queueBatchJobSchema.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(`malformed queue batch job ${job.id ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, MAX_DETAIL_CHARS);
}
