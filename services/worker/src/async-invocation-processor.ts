import { randomUUID } from 'node:crypto';
import { DelayedError, UnrecoverableError } from 'bullmq';
import {
  DEFAULT_ASYNC_MAX_EVENT_AGE_SECONDS,
  DEFAULT_ASYNC_RETRY_ATTEMPTS,
  INVOKED_STATUS_CODE,
  backoffDelay,
  buildAsyncInvocationRecord,
  functionArn,
  internalFault,
  type BackoffOptions,
  type ConcurrencyLimiter,
  type DeadLetterStore,
  type DestinationRouter,
  type EventInvokeConfig,
  type EventInvokeConfigStore,
  type FunctionDefinition,
  type FunctionStore,
  type Invoker,
  type Logger,
  type SluiceMetrics,
} from '@sluice/shared';
import { asyncJobDataSchema, type AsyncJobData, type AsyncProgress, type FinishedEvent } from './async-job-data.js';
import { classifyAttemptError } from './async-attempt-error.js';
import { AsyncRecordDelivery } from './async-record-delivery.js';
import {
  NO_ATTEMPTS,
  decideAfterAttempt,
  decideBeforeAttempt,
  type AsyncAttemptOutcome,
  type AsyncDecision,
  type AsyncLimits,
  type AsyncRetrySettings,
} from './async-retry-policy.js';

/** The slice of a BullMQ Job the processor uses; unit tests pass a plain object. */
export interface AsyncProcessableJob {
  readonly id?: string | undefined;
  readonly data: unknown;
  updateData(data: AsyncJobData): Promise<void>;
  moveToDelayed(timestamp: number, token?: string): Promise<void>;
}

export interface AsyncInvocationProcessorDeps {
  readonly functions: Pick<FunctionStore, 'get'>;
  readonly eventInvokeConfigs: Pick<EventInvokeConfigStore, 'get'>;
  readonly invoker: Invoker;
  readonly logger: Logger;
  readonly metrics?: SluiceMetrics;
  readonly destinations?: DestinationRouter;
  readonly deadLetters?: Pick<DeadLetterStore, 'park'>;
  /**
   * Reserved concurrency counted across processes (the Invoke API counts its synchronous calls in the
   * same one): an event of a function whose slots are all held is throttled and requeued.
   */
  readonly concurrency?: ConcurrencyLimiter;
  readonly settings: AsyncRetrySettings;
  /** Backoff of a failing destination or dead-letter store: it is retried until it takes the record. */
  readonly deliveryBackoff: BackoffOptions;
  /** Builds function ARNs (AWS_REGION, SLUICE_ACCOUNT_ID). */
  readonly region: string;
  readonly accountId: string;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly newId?: () => string;
}

/** What a finished event came to: its condition, how often it ran, and where its record went. */
export interface AsyncInvocationOutcome {
  readonly condition: FinishedEvent['condition'];
  readonly invocations: number;
  readonly deliveredTo?: string;
}

export type AsyncInvocationProcessor = (job: AsyncProcessableJob, token?: string, signal?: AbortSignal) => Promise<AsyncInvocationOutcome>;

/** How much of a failed function's answer a log line carries. */
const MAX_LOGGED_ERROR_CHARS = 1024;

/** A concurrency slot outlives the function's Timeout by this much before it lapses (its holder died). */
const SLOT_GRACE_MS = 10_000;

/**
 * The BullMQ processor of asynchronous invocations (aws-facts 3.7): one call makes one attempt.
 * A retry is the same job moved back to delayed with its progress saved in the job data (attempt
 * counts, the last response), so a worker crash never resets the budget and BullMQ's own attempt
 * counter stays out of it. A finished event (succeeded, or given up on) has its destination record
 * saved in the job before delivery, and a failing delivery is retried the same way until it lands.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 */
export function createAsyncInvocationProcessor(deps: AsyncInvocationProcessorDeps): AsyncInvocationProcessor {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const delivery = new AsyncRecordDelivery({
    ...(deps.destinations ? { destinations: deps.destinations } : {}),
    ...(deps.deadLetters ? { deadLetters: deps.deadLetters } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });

  return async (job, token, signal) => {
    const data = parseJob(job);
    const log = deps.logger.child({ jobId: job.id, requestId: data.requestId, function: data.functionName });
    try {
      return await processEvent(job, token, signal, data, log);
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      return recover(job, token, data, error, log);
    }
  };

  /** A fault of ours thrown out of an attempt, classified once (internalFault). */
  async function recover(job: AsyncProcessableJob, token: string | undefined, data: AsyncJobData, error: unknown, log: Logger): Promise<AsyncInvocationOutcome> {
    let transient = error;
    const fault = internalFault(error);
    if (!fault.retryable && data.progress?.finished === undefined) {
      // Not transient (a corrupt record, a bug this event triggers): the same attempt would throw
      // again, so it spends a retry and the event ends at OnFailure or in the dead-letter store.
      // (A finished event only delivers; `deliver` retries its failures.)
      log.error({ err: error, code: fault.code }, 'asynchronous event made Sluice fail; it spends a retry');
      try {
        return await spendRetry(job, token, data, log);
      } catch (next) {
        if (next instanceof DelayedError) throw next;
        transient = next;
      }
    }
    // Ours and transient (Redis unreachable for a read or a save): a failed job would lose the
    // event, so it goes back to delayed like a system error, spending nothing. If even that fails,
    // the job's lock lapses and BullMQ's stalled check hands it to a worker again.
    log.warn({ err: transient }, 'asynchronous event hit a transient fault; requeued');
    return requeue(job, token, now() + backoffDelay(1, deps.settings.backoff, deps.random));
  }

  async function processEvent(job: AsyncProcessableJob, token: string | undefined, signal: AbortSignal | undefined, data: AsyncJobData, log: Logger): Promise<AsyncInvocationOutcome> {
    const progress: AsyncProgress = data.progress ?? { ...NO_ATTEMPTS };
    if (progress.finished !== undefined) return deliver(job, token, data, progress, progress.finished, log);

    const fn = await deps.functions.get(data.functionName);
    const config = await deps.eventInvokeConfigs.get(data.functionName, data.qualifier);
    const limits = limitsOf(data, config);
    let decision: AsyncDecision = decideBeforeAttempt(limits, progress, fn?.reservedConcurrentExecutions, now());
    let next = progress;
    if (decision.action === 'invoke') {
      const attempt = await invoke(data, fn, signal);
      next = { ...progress, ...(attempt.response === undefined ? {} : { lastResponse: attempt.response }) };
      decision = decideAfterAttempt(limits, progress, attempt.outcome, deps.settings, now(), deps.random);
      if (attempt.outcome !== 'success') log.info({ outcome: attempt.outcome, error: attempt.detail }, 'asynchronous invocation failed');
    }
    return conclude(job, token, data, next, decision, config, log);
  }

  /**
   * An attempt that threw a fault that is not transient: it counts as a failed attempt under the
   * event's limits (Lambda's defaults when its settings are what cannot be read).
   */
  async function spendRetry(job: AsyncProcessableJob, token: string | undefined, data: AsyncJobData, log: Logger): Promise<AsyncInvocationOutcome> {
    const progress: AsyncProgress = data.progress ?? { ...NO_ATTEMPTS };
    const config = await deps.eventInvokeConfigs.get(data.functionName, data.qualifier).catch((error: unknown) => {
      if (internalFault(error).retryable) throw error;
      return undefined;
    });
    const limits = limitsOf(data, config);
    const decision = decideBeforeAttempt(limits, progress, undefined, now());
    const after = decision.action === 'invoke' ? decideAfterAttempt(limits, progress, 'internal_fault', deps.settings, now(), deps.random) : decision;
    return conclude(job, token, data, progress, after, config, log);
  }

  function limitsOf(data: AsyncJobData, config: EventInvokeConfig | undefined): AsyncLimits {
    return {
      maximumRetryAttempts: config?.maximumRetryAttempts ?? DEFAULT_ASYNC_RETRY_ATTEMPTS,
      maximumEventAgeInSeconds: config?.maximumEventAgeInSeconds ?? DEFAULT_ASYNC_MAX_EVENT_AGE_SECONDS,
      acceptedAt: data.acceptedAt,
    };
  }

  /** Acts on a decision: requeue with the attempts saved, or finish the event and deliver its record. */
  async function conclude(
    job: AsyncProcessableJob,
    token: string | undefined,
    data: AsyncJobData,
    next: AsyncProgress,
    decision: AsyncDecision,
    config: EventInvokeConfig | undefined,
    log: Logger,
  ): Promise<AsyncInvocationOutcome> {
    switch (decision.action) {
      case 'retry': {
        const saved = { ...next, ...decision.attempts };
        await job.updateData({ ...data, progress: saved });
        deps.metrics?.asyncRetries.inc({ function: data.functionName, reason: decision.reason });
        log.info({ reason: decision.reason, delayMs: decision.delayMs, invocations: saved.invocations, functionErrors: saved.functionErrors }, 'asynchronous event requeued');
        return requeue(job, token, now() + decision.delayMs);
      }
      case 'invoke':
        throw new Error('unreachable: an attempt always decides');
      default: {
        const condition = decision.action === 'succeeded' ? 'Success' : decision.condition;
        const attempts = { ...next, ...decision.attempts };
        const finished = finish(data, attempts, condition, config?.onSuccess, config?.onFailure);
        const saved: AsyncProgress = { ...attempts, finished };
        await job.updateData({ ...data, progress: saved });
        deps.metrics?.asyncInvocations.inc({ function: data.functionName, outcome: outcomeLabel(condition) });
        if (condition === 'Success') log.debug({ invocations: attempts.invocations }, 'asynchronous event succeeded');
        else log.warn({ condition, invocations: attempts.invocations, destination: finished.destinationArn ?? 'dead-letter store' }, 'asynchronous event given up on');
        return deliver(job, token, data, saved, finished, log);
      }
    }
  }

  /** One invocation, classified once: success, the function's error, or ours (throttle, system). */
  async function invoke(data: AsyncJobData, fn: FunctionDefinition | undefined, signal: AbortSignal | undefined) {
    if (fn === undefined) return functionMissing(data);
    const limit = fn.reservedConcurrentExecutions;
    const slot = limit === undefined || deps.concurrency === undefined ? undefined : await deps.concurrency.acquire(fn.name, limit, fn.timeout * 1000 + SLOT_GRACE_MS);
    if (limit !== undefined && deps.concurrency !== undefined && slot === undefined) {
      // Lambda's ReservedFunctionConcurrentInvocationLimitExceeded: a throttle, requeued with backoff.
      return { outcome: 'throttle' as const, response: undefined, detail: `reserved concurrency ${limit} of ${fn.name} reached` };
    }
    try {
      return await invokeNow(data, fn, signal);
    } finally {
      await slot?.release().catch(() => undefined);
    }
  }

  async function invokeNow(data: AsyncJobData, fn: FunctionDefinition, signal: AbortSignal | undefined) {
    try {
      // Every attempt runs under the event's request id, as Lambda's retries do.
      const result = await deps.invoker.invoke({ fn, payload: data.payload, requestId: data.requestId, ...(signal ? { signal } : {}) });
      const failed = result.functionError !== undefined;
      deps.metrics?.invocations.inc({ function: fn.name, outcome: failed ? 'function_error' : 'success' });
      deps.metrics?.invokeDuration.observe({ function: fn.name }, result.durationMs / 1000);
      // Invoke's status for a function that ran (200), not the http function's own.
      const response = { statusCode: INVOKED_STATUS_CODE, ...(failed ? { functionError: result.functionError } : {}), payload: result.payload };
      const outcome: AsyncAttemptOutcome = failed ? 'function_error' : 'success';
      return { outcome, response, detail: failed ? result.payload.slice(0, MAX_LOGGED_ERROR_CHARS) : undefined };
    } catch (error) {
      const kind = classifyAttemptError(error);
      if (kind === 'function_missing') return functionMissing(data);
      deps.metrics?.invocations.inc({ function: fn.name, outcome: 'transport_error' });
      const detail = error instanceof Error ? error.message : String(error);
      // A refusal that will not pass spends a retry as an internal fault does (async-retry-policy.ts).
      return { outcome: kind === 'refused' ? ('internal_fault' as const) : kind, response: undefined, detail };
    }
  }

  /**
   * A function deleted while its event waited answers as Lambda's Invoke does (404
   * ResourceNotFoundException); it spends the retries like a function error, so the event ends at
   * OnFailure or in the dead-letter store instead of waiting out its whole age.
   */
  function functionMissing(data: AsyncJobData) {
    const arn = functionArn(deps.region, deps.accountId, data.functionName);
    const payload = JSON.stringify({ errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${arn}` });
    return { outcome: 'function_error' as const, response: { statusCode: 404, functionError: 'Unhandled', payload }, detail: `function ${data.functionName} is not registered` };
  }

  function finish(data: AsyncJobData, attempts: AsyncProgress, condition: FinishedEvent['condition'], onSuccess: string | undefined, onFailure: string | undefined): FinishedEvent {
    const record = buildAsyncInvocationRecord({
      requestId: data.requestId,
      functionArn: functionArn(deps.region, deps.accountId, data.functionName),
      qualifier: data.qualifier,
      condition,
      approximateInvokeCount: attempts.invocations,
      requestPayload: data.payload,
      // Only an event that ran has a response; the record of one that never ran has none.
      ...(attempts.invocations > 0 && attempts.lastResponse !== undefined ? { response: attempts.lastResponse } : {}),
      timestampMs: now(),
    });
    const destinationArn = condition === 'Success' ? onSuccess : onFailure;
    return {
      condition,
      record: JSON.stringify(record),
      // A success without OnSuccess has nowhere to go; a failure without OnFailure is parked.
      target: destinationArn !== undefined ? 'destination' : condition === 'Success' ? 'none' : 'dead-letter',
      ...(destinationArn === undefined ? {} : { destinationArn }),
      deliveryId: newId(),
      deliveries: 0,
    };
  }

  async function deliver(job: AsyncProcessableJob, token: string | undefined, data: AsyncJobData, progress: AsyncProgress, finished: FinishedEvent, log: Logger): Promise<AsyncInvocationOutcome> {
    try {
      await delivery.deliver(data, finished, log);
    } catch (error) {
      const deliveries = finished.deliveries + 1;
      await job.updateData({ ...data, progress: { ...progress, finished: { ...finished, deliveries } } });
      const delayMs = backoffDelay(deliveries, deps.deliveryBackoff, deps.random);
      log.warn({ err: error, deliveries, delayMs }, 'asynchronous invocation record not delivered; will retry');
      return requeue(job, token, now() + delayMs);
    }
    return {
      condition: finished.condition,
      invocations: progress.invocations,
      ...(finished.target === 'none' ? {} : { deliveredTo: finished.destinationArn ?? 'dead-letter store' }),
    };
  }
}

/** BullMQ's manual delay: the job goes back to delayed under its own id, its attempts untouched. */
async function requeue(job: AsyncProcessableJob, token: string | undefined, at: number): Promise<never> {
  await job.moveToDelayed(at, token);
  throw new DelayedError();
}

function outcomeLabel(condition: FinishedEvent['condition']): string {
  switch (condition) {
    case 'Success':
      return 'success';
    case 'RetriesExhausted':
      return 'retries_exhausted';
    case 'EventAgeExceeded':
      return 'event_age_exceeded';
    case 'ZeroReservedConcurrency':
      return 'zero_reserved_concurrency';
  }
}

/** The job payload is an edge: a malformed one is a bug upstream, and retrying cannot fix it. */
function parseJob(job: AsyncProcessableJob): AsyncJobData {
  const parsed = asyncJobDataSchema.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(`malformed async invocation job ${job.id ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
