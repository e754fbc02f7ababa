import { backoffDelay, type AsyncInvocationCondition, type BackoffOptions } from '@sluice/shared';

/** An event's limits: its function's event-invoke-config (or Lambda's defaults) and when it was accepted. */
export interface AsyncLimits {
  /** 0-2: attempts after the first that a function error may cost. */
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeInSeconds: number;
  /** Epoch ms when Sluice accepted the event. */
  readonly acceptedAt: number;
}

/** What an event has been through so far; saved in its job before every requeue. */
export interface AsyncAttempts {
  /** Invocations that reached the function (Lambda's approximateInvokeCount). */
  readonly invocations: number;
  /** Attempts that failed, spending MaximumRetryAttempts: function errors, and internal faults (which may not have reached the function). */
  readonly functionErrors: number;
  /** Throttles and system errors in a row since the last invocation: the backoff's exponent. */
  readonly throttles: number;
}

/**
 * How one attempt ended, classified once by the processor. `internal_fault`: the event made Sluice
 * itself throw something that is not transient (internalFault in @sluice/shared), so the same
 * attempt would throw again; it spends a retry like a function error, or the event would be
 * requeued forever.
 */
export type AsyncAttemptOutcome = 'success' | 'function_error' | 'internal_fault' | 'throttle' | 'system_error';

export interface AsyncRetrySettings {
  /** Waits before the 2nd, 3rd... attempt after function errors; the last one repeats. */
  readonly functionErrorDelaysMs: readonly number[];
  /** Requeue backoff for throttles and system errors. */
  readonly backoff: BackoffOptions;
}

export type AsyncFailureCondition = Exclude<AsyncInvocationCondition, 'Success'>;

export type AsyncDecision =
  | { readonly action: 'invoke' }
  | { readonly action: 'succeeded'; readonly attempts: AsyncAttempts }
  | { readonly action: 'retry'; readonly reason: Exclude<AsyncAttemptOutcome, 'success'>; readonly delayMs: number; readonly attempts: AsyncAttempts }
  | { readonly action: 'discard'; readonly condition: AsyncFailureCondition; readonly attempts: AsyncAttempts };

export const NO_ATTEMPTS: AsyncAttempts = { invocations: 0, functionErrors: 0, throttles: 0 };

/** Epoch ms after which the event is too old to run (MaximumEventAgeInSeconds from acceptance). */
export function eventDeadline(limits: AsyncLimits): number {
  return limits.acceptedAt + limits.maximumEventAgeInSeconds * 1000;
}

/**
 * Before an attempt. A function with reserved concurrency 0 sends new events straight to OnFailure
 * without retries (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html);
 * an event older than MaximumEventAgeInSeconds is discarded before any further attempt
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 */
export function decideBeforeAttempt(limits: AsyncLimits, attempts: AsyncAttempts, reservedConcurrency: number | undefined, now: number): AsyncDecision {
  if (reservedConcurrency === 0) return { action: 'discard', condition: 'ZeroReservedConcurrency', attempts };
  if (now > eventDeadline(limits)) return { action: 'discard', condition: 'EventAgeExceeded', attempts };
  return { action: 'invoke' };
}

/**
 * After an attempt, Lambda's asynchronous rules
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html):
 * - a function error (code error, runtime error, timeout) spends one of MaximumRetryAttempts; the
 *   next attempt waits functionErrorDelaysMs (about 1 min, then 2 min); none left: RetriesExhausted;
 *   an internal fault that is not transient spends one the same way, without counting an invocation;
 * - a throttle (429, reserved concurrency reached) or a system error (the function unreachable, a
 *   5xx from Lambda) is requeued with exponential backoff (1 s up to 5 min) and spends nothing;
 * - a retry that could only start after MaximumEventAgeInSeconds is not waited for: the event is
 *   discarded now with EventAgeExceeded, as AWS does (a 60 s maximum age with the 1 minute retry
 *   delay gives EventAgeExceeded after one invocation: LocalStack's AWS-recorded test_maxeventage).
 */
export function decideAfterAttempt(
  limits: AsyncLimits,
  before: AsyncAttempts,
  outcome: AsyncAttemptOutcome,
  settings: AsyncRetrySettings,
  now: number,
  random: () => number = Math.random,
): AsyncDecision {
  if (outcome === 'success') return { action: 'succeeded', attempts: { ...before, invocations: before.invocations + 1, throttles: 0 } };
  if (outcome === 'function_error' || outcome === 'internal_fault') {
    const invocations = outcome === 'function_error' ? before.invocations + 1 : before.invocations;
    const attempts = { invocations, functionErrors: before.functionErrors + 1, throttles: 0 };
    if (attempts.functionErrors > limits.maximumRetryAttempts) return { action: 'discard', condition: 'RetriesExhausted', attempts };
    const delays = settings.functionErrorDelaysMs;
    const delayMs = delays[Math.min(attempts.functionErrors, delays.length) - 1] ?? 0;
    return retryOrExpire(limits, attempts, outcome, delayMs, now);
  }
  const attempts = { ...before, throttles: before.throttles + 1 };
  return retryOrExpire(limits, attempts, outcome, backoffDelay(attempts.throttles, settings.backoff, random), now);
}

function retryOrExpire(limits: AsyncLimits, attempts: AsyncAttempts, reason: Exclude<AsyncAttemptOutcome, 'success'>, delayMs: number, now: number): AsyncDecision {
  if (now + delayMs > eventDeadline(limits)) return { action: 'discard', condition: 'EventAgeExceeded', attempts };
  return { action: 'retry', reason, delayMs, attempts };
}
