import type { DiscardCondition, InvokeResult, StreamBatchJob } from '@sluice/shared';

/** How one attempt at a batch ended, as the processor saw it. */
export type AttemptResult =
  /** The function ran and answered (successfully or with a function error). */
  | { readonly kind: 'invoked'; readonly result: InvokeResult }
  /** The function is no longer registered: deleted while the batch waited. */
  | { readonly kind: 'function-missing' }
  /** Our side failed before the function answered and may not next time: transport, a throttle. */
  | { readonly kind: 'not-invoked'; readonly error: unknown }
  /**
   * Our side refuses the function as it is configured and will again (a non-retryable SluiceError:
   * a Module outside SLUICE_FUNCTIONS_DIR, Lambda refusing the credentials, an invoker type this
   * worker lacks): it spends the mapping's budget like a function error, so it is reported at the
   * on-failure destination instead of holding the shard forever.
   */
  | { readonly kind: 'refused'; readonly error: unknown };

/** Why a batch goes round again; also the `reason` label of the retries metric. */
export type RetryReason = 'function_error' | 'transport_error';

/**
 * What to do with the batch after an attempt. `functionErrors` is the job's new count, which the
 * processor saves before it retries, so the budget survives a worker crash.
 */
export type RetryDecision =
  | { readonly action: 'succeeded'; readonly invocations: number }
  | { readonly action: 'retry'; readonly reason: RetryReason; readonly functionErrors: number }
  | {
      readonly action: 'discard';
      readonly condition: DiscardCondition;
      readonly functionErrors: number;
      readonly invocations: number;
    };

type BatchLimits = Pick<StreamBatchJob, 'maximumRetryAttempts' | 'maximumRecordAgeInSeconds' | 'firstArrivalMs' | 'functionErrors'>;

/**
 * Whether the oldest record of the batch is older than MaximumRecordAgeInSeconds (-1: no limit).
 * Lambda discards such records "before or while retrying", with condition RecordAgeExceeded.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-errors
 */
export function recordAgeExceeded(job: BatchLimits, now: number): boolean {
  return job.maximumRecordAgeInSeconds !== -1 && now - job.firstArrivalMs > job.maximumRecordAgeInSeconds * 1000;
}

/** Before invoking: a batch whose records are already too old is discarded without an invocation. */
export function decideBeforeInvoke(job: BatchLimits, now: number): RetryDecision | undefined {
  if (!recordAgeExceeded(job, now)) return undefined;
  return { action: 'discard', condition: 'RecordAgeExceeded', functionErrors: job.functionErrors, invocations: job.functionErrors };
}

/**
 * After an attempt. Function errors (and a function deleted while its batch waited, or refused
 * for good) spend MaximumRetryAttempts: with N allowed retries the batch is invoked N + 1 times, then discarded with
 * RetryAttemptsExhausted. Faults on our side never spend it; they retry until the records are too
 * old: Lambda's rule for "before invocation" versus "during invocation" errors
 * (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html).
 */
export function decideAfterAttempt(job: BatchLimits, attempt: AttemptResult, now: number): RetryDecision {
  if (attempt.kind === 'invoked' && attempt.result.functionError === undefined) {
    return { action: 'succeeded', invocations: job.functionErrors + 1 };
  }
  if (attempt.kind === 'not-invoked') {
    return retryOrExpire(job, 'transport_error', job.functionErrors, now);
  }
  const functionErrors = job.functionErrors + 1;
  if (job.maximumRetryAttempts !== -1 && functionErrors > job.maximumRetryAttempts) {
    return { action: 'discard', condition: 'RetryAttemptsExhausted', functionErrors, invocations: functionErrors };
  }
  return retryOrExpire(job, 'function_error', functionErrors, now);
}

function retryOrExpire(job: BatchLimits, reason: RetryReason, functionErrors: number, now: number): RetryDecision {
  // No point waiting out a backoff for records that the next attempt would discard anyway.
  if (recordAgeExceeded(job, now)) {
    return { action: 'discard', condition: 'RecordAgeExceeded', functionErrors, invocations: functionErrors };
  }
  return { action: 'retry', reason, functionErrors };
}
