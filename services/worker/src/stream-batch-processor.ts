import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import {
  ErrorCode,
  INVOKED_STATUS_CODE,
  ProcessingResult,
  SluiceError,
  lambdaRecordPosition,
  streamProfile,
  streamBatchJobSchema,
  unpackStreamBatchJob,
  type BatchOutcome,
  type BatchProgress,
  type DeadLetterStore,
  type DestinationRouter,
  type DiscardCondition,
  type FailedResponse,
  type SubBatch,
  type FunctionStore,
  type Invoker,
  type Logger,
  type SluiceMetrics,
  type StreamBatchJob,
} from '@sluice/shared';
import { countAttempt } from './event-counts.js';
import { FailureReporter, subBatchBounds } from './failure-reporter.js';
import { decideBeforeInvoke, type AttemptResult } from './retry-policy.js';
import { planAfterAttempt, type SubBatchStep } from './sub-batch-plan.js';
import type { TumblingWindowInvocation, WindowAttempt } from './tumbling-window-invocation.js';

/** How much of a failed function's answer travels in the outcome (the destination record gets it). */
const MAX_LAST_ERROR_CHARS = 4096;

/** The slice of a BullMQ Job the processor uses; unit tests pass a plain object. */
export interface ProcessableJob {
  readonly id?: string | undefined;
  readonly data: unknown;
  updateData(data: StreamBatchJob): Promise<void>;
  /** BullMQ's progress event: how the poller awaiting the batch hears why it is being retried. */
  updateProgress?(progress: object): Promise<void>;
}

export interface StreamBatchProcessorDeps {
  readonly functions: Pick<FunctionStore, 'get'>;
  readonly invoker: Invoker;
  readonly logger: Logger;
  readonly metrics?: SluiceMetrics;
  /** Where DestinationConfig.OnFailure records go; without it a mapping's destination cannot be reached. */
  readonly destinations?: DestinationRouter;
  /** Where discarded batches of mappings without an on-failure destination are parked. */
  readonly deadLetters?: Pick<DeadLetterStore, 'park'>;
  /** Runs batches of mappings with TumblingWindowInSeconds (their state lives in Redis). */
  readonly windows?: TumblingWindowInvocation;
  /** Epoch ms; injectable so record-age tests need no real waiting. */
  readonly now?: () => number;
  readonly newRequestId?: () => string;
}

export type StreamBatchProcessor = (job: ProcessableJob, token?: string, signal?: AbortSignal) => Promise<BatchOutcome>;

/**
 * The BullMQ processor of stream batches. One call works through the job's pending sub-batches
 * (the whole batch, bisect halves, a partial failure's remainder: sub-batch-plan.ts) in lane order
 * until one needs a retry, and throws then so BullMQ retries the job after the backoff; progress is
 * saved in the job data first. Discarded sub-batches go to the on-failure destination before the
 * next one starts (a failing destination is retried the same way). It returns the batch's final
 * outcome (succeeded, or discarded with Lambda's condition when any part was discarded); the poller awaits the final outcome, so the lane stays blocked meanwhile, as Lambda
 * pauses a shard on a failing batch (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html).
 *
 * Function errors are counted in the job's own data (functionErrors), because BullMQ's attempt
 * counter also counts our transport faults, which must not spend MaximumRetryAttempts.
 * Finished batches are counted (sluice_batches_total) by the poller when it checkpoints past them,
 * once per batch; counting here too would double them when both roles share a process.
 */
export function createStreamBatchProcessor(deps: StreamBatchProcessorDeps): StreamBatchProcessor {
  const now = deps.now ?? Date.now;
  const newRequestId = deps.newRequestId ?? randomUUID;
  const reporter = new FailureReporter({
    ...(deps.destinations ? { destinations: deps.destinations } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.deadLetters ? { deadLetters: deps.deadLetters } : {}),
    newId: randomUUID,
  });

  async function attempt(batch: StreamBatchJob, sub: SubBatch, signal: AbortSignal | undefined): Promise<AttemptResult | 'covered'> {
    let fnName = batch.functionName;
    try {
      const fn = await deps.functions.get(batch.functionName);
      if (fn === undefined) return { kind: 'function-missing' };
      fnName = fn.name;
      const call = (payload: string) => deps.invoker.invoke({ fn, payload, requestId: newRequestId(), ...(signal ? { signal } : {}) });
      const result: WindowAttempt = batch.window === undefined ? await call(JSON.stringify(streamProfile(batch.sourceKind).event(batch.records.slice(sub.start, sub.end)))) : await windowsOf(batch).invoke(batch, sub, call);
      if (result === 'covered') return result; // already folded into the window's state: nothing to invoke
      deps.metrics?.invocations.inc({ function: fn.name, outcome: result.functionError === undefined ? 'success' : 'function_error' });
      deps.metrics?.invokeDuration.observe({ function: fn.name }, result.durationMs / 1000);
      return { kind: 'invoked', result };
    } catch (error) {
      // A Lambda function that no longer exists where the invoker points is like one deleted from
      // our registry: it spends the mapping's budget, so it cannot hold the shard for the retention.
      if (error instanceof SluiceError && error.code === ErrorCode.FunctionNotFound) return { kind: 'function-missing' };
      // Ours (unreachable function, Redis): never the function's error; ours for good: spends the budget.
      deps.metrics?.invocations.inc({ function: fnName, outcome: 'transport_error' });
      return error instanceof SluiceError && !error.retryable ? { kind: 'refused', error } : { kind: 'not-invoked', error };
    }
  }

  return async (job, _token, signal) => {
    const stored = parseBatch(job);
    // Lambda's whole records from here on; the job is saved back as it was stored (packed).
    const batch = unpackStreamBatchJob(stored);
    if (batch.window !== undefined) windowsOf(batch); // fails the job now when this worker cannot run windows
    const log = deps.logger.child({ jobId: job.id, mappingId: batch.mappingId, shardId: batch.shardId, lane: batch.lane });
    let progress = batch.progress ?? initialProgress(batch);
    const save = async (next: BatchProgress, functionErrors: number) => {
      // Saved before any retry or delivery, so a worker dying or another taking over resumes here.
      await job.updateData({ ...stored, functionErrors, progress: next });
    };
    if (progress.undelivered !== undefined) progress = await deliver(job, batch, progress, save, log);
    const sequenceNumbers = batch.records.map((r) => lambdaRecordPosition(batch.sourceKind, r).sequenceNumber ?? '');
    while (progress.pending.length > 0) {
      const [head, ...rest] = progress.pending as [SubBatch, ...SubBatch[]];
      const limits = { ...batch, firstArrivalMs: subBatchBounds(batch, head).firstArrivalMs, functionErrors: head.functionErrors };
      const early = decideBeforeInvoke(limits, now());
      if (early !== undefined) {
        progress = await discard(job, batch, { ...progress, pending: rest }, head, 'RecordAgeExceeded', undefined, save, log);
        continue;
      }
      const result = await attempt(batch, head, signal);
      if (result === 'covered') {
        progress = { ...progress, pending: rest };
        if (rest.length > 0) await save(progress, rest[0]!.functionErrors);
        continue;
      }
      countAttempt(deps.metrics, batch, head.end - head.start, result.kind === 'invoked' ? (result.result.functionError === undefined ? 'succeeded' : 'function-error') : 'not-invoked');
      const invocations = progress.invocations + (result.kind === 'not-invoked' || result.kind === 'refused' ? 0 : 1);
      const context = { job: batch, sequenceNumbers, firstArrivalMs: (sub: SubBatch) => subBatchBounds(batch, sub).firstArrivalMs, now: now() };
      const step = planAfterAttempt(head, result, context);
      switch (step.action) {
        case 'succeeded':
          progress = { ...progress, pending: rest, invocations };
          if (rest.length > 0) await save(progress, rest[0]!.functionErrors);
          log.debug({ invocations, start: head.start, end: head.end }, 'batch succeeded');
          break;
        case 'discard':
          progress = await discard(job, batch, { ...progress, pending: rest, invocations }, step.sub, step.condition, result, save, log);
          break;
        case 'retry': {
          const next = { ...progress, pending: [...step.replaceWith, ...rest], invocations };
          await save(next, step.replaceWith[0]!.functionErrors);
          deps.metrics?.retries.inc({ mapping: batch.mappingId, reason: step.reason });
          const fields = { reason: step.reason, functionErrors: step.replaceWith[0]!.functionErrors, pending: next.pending.length, error: step.detail ?? describeFailure(batch, result) };
          if (step.reason === 'function_error') log.info(fields, 'batch will be retried');
          else log.warn(fields, 'batch will be retried');
          // The mapping shows it while the batch keeps failing (LastProcessingResult); best effort.
          await job.updateProgress?.({ problem: ProcessingResult.FunctionCallFailed }).catch((error: unknown) => log.warn({ err: error }, 'reporting the retry to the poller failed'));
          throw retryError(batch, step, result);
        }
      }
    }
    const outcome = outcomeOf(progress, batch);
    return batch.window === undefined ? outcome : { ...outcome, window: await windowsOf(batch).outcome(batch) };
  };

  function windowsOf(batch: StreamBatchJob): TumblingWindowInvocation {
    if (deps.windows === undefined) throw new UnrecoverableError(`stream batch job of ${batch.mappingId} has a tumbling window, and this worker no window state store`);
    return deps.windows;
  }

  /** Records the discard (with its failure record) in the job, then delivers it. */
  async function discard(
    job: ProcessableJob,
    batch: StreamBatchJob,
    progress: BatchProgress,
    sub: SubBatch,
    condition: DiscardCondition,
    result: AttemptResult | undefined,
    save: (next: BatchProgress, functionErrors: number) => Promise<void>,
    log: Logger,
  ): Promise<BatchProgress> {
    const lastError = result === undefined ? undefined : describeFailure(batch, result);
    const undelivered = reporter.build(batch, sub, condition, failedResponse(result), now());
    const next: BatchProgress = { ...progress, discarded: { condition, ...(lastError === undefined ? {} : { lastError }) }, undelivered };
    await save(next, sub.functionErrors);
    log.warn({ condition, functionErrors: sub.functionErrors, start: sub.start, end: sub.end, lastError }, 'batch discarded');
    return deliver(job, batch, next, save, log);
  }

  /** Delivers the saved failure record; a failing destination throws, and BullMQ retries the job. */
  async function deliver(
    _job: ProcessableJob,
    batch: StreamBatchJob,
    progress: BatchProgress,
    save: (next: BatchProgress, functionErrors: number) => Promise<void>,
    log: Logger,
  ): Promise<BatchProgress> {
    const undelivered = progress.undelivered!;
    const functionErrors = progress.pending[0]?.functionErrors ?? batch.functionErrors;
    try {
      await reporter.deliver(batch, undelivered, log);
    } catch (error) {
      // Never the function's budget: the sub-batches and their counts stay as they are.
      await save({ ...progress, undelivered: { ...undelivered, attempts: undelivered.attempts + 1 } }, functionErrors);
      throw error;
    }
    const { undelivered: _delivered, ...rest } = progress;
    return rest;
  }
}

function initialProgress(batch: StreamBatchJob): BatchProgress {
  const whole: SubBatch = { start: 0, end: batch.records.length, functionErrors: batch.functionErrors, invocations: batch.functionErrors };
  return { pending: [whole], invocations: batch.functionErrors };
}

/** The outcome names the batch's last record, so the poller need not read the job back to know where it ended. */
function outcomeOf(progress: BatchProgress, batch: StreamBatchJob): BatchOutcome {
  const { lastSequenceNumber } = batch;
  if (progress.discarded === undefined) return { status: 'succeeded', invocations: progress.invocations, lastSequenceNumber };
  const { condition, lastError } = progress.discarded;
  return { status: 'discarded', condition, invocations: progress.invocations, ...(lastError === undefined ? {} : { lastError }), lastSequenceNumber };
}

/**
 * The failed invocation for the failure record's responseContext: what Lambda's Invoke would have
 * answered, 200 for a function that ran (whatever status an http function sent), 404 for one gone.
 */
function failedResponse(result: AttemptResult | undefined): FailedResponse | undefined {
  if (result?.kind === 'refused') return { statusCode: 200, functionError: 'Unhandled' };
  if (result?.kind !== 'invoked') return result?.kind === 'function-missing' ? { statusCode: 404, functionError: 'Unhandled' } : undefined;
  return { statusCode: INVOKED_STATUS_CODE, ...(result.result.functionError === undefined ? {} : { functionError: result.result.functionError }) };
}

/** The job payload is an edge: a malformed one is a bug upstream, and retrying cannot fix it. */
function parseBatch(job: ProcessableJob): StreamBatchJob {
  const parsed = streamBatchJobSchema.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(`malformed stream batch job ${job.id ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function describeFailure(batch: StreamBatchJob, result: AttemptResult | undefined): string {
  if (result === undefined) return 'unknown';
  switch (result.kind) {
    case 'invoked':
      return result.result.payload.slice(0, MAX_LAST_ERROR_CHARS);
    case 'function-missing':
      return `function ${batch.functionName} is not registered`;
    case 'not-invoked':
    case 'refused':
      return result.error instanceof Error ? result.error.message : String(result.error);
  }
}

function retryError(batch: StreamBatchJob, step: Extract<SubBatchStep, { action: 'retry' }>, result: AttemptResult | undefined): SluiceError {
  if (result?.kind === 'not-invoked' && result.error instanceof SluiceError) return result.error;
  const message =
    step.reason === 'function_error'
      ? `function ${batch.functionName} failed (${step.replaceWith[0]?.functionErrors ?? 0} function errors so far)`
      : `function ${batch.functionName} was not invoked`;
  const code = step.reason === 'function_error' ? ErrorCode.FunctionError : ErrorCode.InvokeTransport;
  return new SluiceError(code, message, { retryable: true, ...(result?.kind === 'not-invoked' ? { cause: result.error } : {}) });
}
