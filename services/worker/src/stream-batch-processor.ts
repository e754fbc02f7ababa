import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import {
  ErrorCode,
  SluiceError,
  streamBatchJobSchema,
  type BatchOutcome,
  type FunctionStore,
  type Invoker,
  type Logger,
  type SluiceMetrics,
  type StreamBatchJob,
} from '@sluice/shared';
import { decideAfterAttempt, decideBeforeInvoke, type AttemptResult, type RetryDecision } from './retry-policy.js';

/** How much of a failed function's answer travels in the outcome (the destination record gets it). */
const MAX_LAST_ERROR_CHARS = 4096;

/** The slice of a BullMQ Job the processor uses; unit tests pass a plain object. */
export interface ProcessableJob {
  readonly id?: string | undefined;
  readonly data: unknown;
  updateData(data: StreamBatchJob): Promise<void>;
}

export interface StreamBatchProcessorDeps {
  readonly functions: Pick<FunctionStore, 'get'>;
  readonly invoker: Invoker;
  readonly logger: Logger;
  readonly metrics?: SluiceMetrics;
  /** Epoch ms; injectable so record-age tests need no real waiting. */
  readonly now?: () => number;
  readonly newRequestId?: () => string;
}

export type StreamBatchProcessor = (job: ProcessableJob, token?: string, signal?: AbortSignal) => Promise<BatchOutcome>;

/**
 * The BullMQ processor of stream batches: one attempt per call. It returns the batch's final
 * outcome (succeeded, or discarded with Lambda's condition) or throws so BullMQ retries it after the
 * backoff; the poller awaits the final outcome, so the lane stays blocked meanwhile, as Lambda
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

  async function attempt(batch: StreamBatchJob, signal: AbortSignal | undefined): Promise<AttemptResult> {
    let fnName = batch.functionName;
    try {
      const fn = await deps.functions.get(batch.functionName);
      if (fn === undefined) return { kind: 'function-missing' };
      fnName = fn.name;
      const payload = JSON.stringify({ Records: batch.records });
      const result = await deps.invoker.invoke({ fn, payload, requestId: newRequestId(), ...(signal ? { signal } : {}) });
      deps.metrics?.invocations.inc({ function: fn.name, outcome: result.functionError === undefined ? 'success' : 'function_error' });
      deps.metrics?.invokeDuration.observe({ function: fn.name }, result.durationMs / 1000);
      return { kind: 'invoked', result };
    } catch (error) {
      // Ours (unreachable function, Redis, an invoker this build lacks): never the function's error.
      deps.metrics?.invocations.inc({ function: fnName, outcome: 'transport_error' });
      return { kind: 'not-invoked', error };
    }
  }

  return async (job, _token, signal) => {
    const batch = parseBatch(job);
    const log = deps.logger.child({ jobId: job.id, mappingId: batch.mappingId, shardId: batch.shardId, lane: batch.lane });
    const early = decideBeforeInvoke(batch, now());
    if (early !== undefined) return settle(job, batch, early, undefined, log);
    const result = await attempt(batch, signal);
    return settle(job, batch, decideAfterAttempt(batch, result, now()), result, log);
  };

  async function settle(
    job: ProcessableJob,
    batch: StreamBatchJob,
    decision: RetryDecision,
    result: AttemptResult | undefined,
    log: Logger,
  ): Promise<BatchOutcome> {
    if (decision.action !== 'succeeded' && decision.functionErrors !== batch.functionErrors) {
      // Saved before retrying, so the count survives this worker dying and another taking over.
      await job.updateData({ ...batch, functionErrors: decision.functionErrors });
    }
    switch (decision.action) {
      case 'succeeded':
        log.debug({ invocations: decision.invocations }, 'batch succeeded');
        return { status: 'succeeded', invocations: decision.invocations };
      case 'discard': {
        const lastError = result === undefined ? undefined : describeFailure(batch, result);
        // TODO(issue #4): send the on-failure destination record (aws-facts.md 2.4) from here.
        log.warn({ condition: decision.condition, functionErrors: decision.functionErrors, lastError }, 'batch discarded');
        return { status: 'discarded', condition: decision.condition, invocations: decision.invocations, ...(lastError === undefined ? {} : { lastError }) };
      }
      case 'retry': {
        deps.metrics?.retries.inc({ mapping: batch.mappingId, reason: decision.reason });
        const reason = result === undefined ? 'unknown' : describeFailure(batch, result);
        const fields = { reason: decision.reason, functionErrors: decision.functionErrors, error: reason };
        if (decision.reason === 'function_error') log.info(fields, 'batch will be retried');
        else log.warn(fields, 'batch will be retried');
        throw retryError(batch, decision, result);
      }
    }
  }
}

/** The job payload is an edge: a malformed one is a bug upstream, and retrying cannot fix it. */
function parseBatch(job: ProcessableJob): StreamBatchJob {
  const parsed = streamBatchJobSchema.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(`malformed stream batch job ${job.id ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function describeFailure(batch: StreamBatchJob, result: AttemptResult): string {
  switch (result.kind) {
    case 'invoked':
      return result.result.payload.slice(0, MAX_LAST_ERROR_CHARS);
    case 'function-missing':
      return `function ${batch.functionName} is not registered`;
    case 'not-invoked':
      return result.error instanceof Error ? result.error.message : String(result.error);
  }
}

function retryError(batch: StreamBatchJob, decision: Extract<RetryDecision, { action: 'retry' }>, result: AttemptResult | undefined): SluiceError {
  if (result?.kind === 'not-invoked' && result.error instanceof SluiceError) return result.error;
  const message =
    decision.reason === 'function_error'
      ? `function ${batch.functionName} failed (${decision.functionErrors} function errors so far)`
      : `function ${batch.functionName} was not invoked`;
  const code = decision.reason === 'function_error' ? ErrorCode.FunctionError : ErrorCode.InvokeTransport;
  return new SluiceError(code, message, { retryable: true, ...(result?.kind === 'not-invoked' ? { cause: result.error } : {}) });
}
