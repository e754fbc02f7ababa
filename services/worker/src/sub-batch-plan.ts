import type { DiscardCondition, InvokeResult, StreamBatchJob, SubBatch } from '@sluice/shared';
import { parseBatchItemFailures } from './batch-item-failures.js';
import { decideAfterAttempt, type AttemptResult, type RetryReason } from './retry-policy.js';

/** The mapping settings and record positions the plan needs. */
export interface SubBatchContext {
  readonly job: Pick<StreamBatchJob, 'maximumRetryAttempts' | 'maximumRecordAgeInSeconds' | 'bisectBatchOnFunctionError' | 'functionResponseTypes'>;
  /** Sequence numbers of the job's records, by index. */
  readonly sequenceNumbers: readonly string[];
  /** Arrival of the first record of a sub-batch, epoch ms (record age). */
  readonly firstArrivalMs: (sub: SubBatch) => number;
  readonly now: number;
}

/**
 * What happens to the head sub-batch after one attempt:
 * - `succeeded`: its records are done; the next pending sub-batch follows at once.
 * - `retry`: it is replaced by `replaceWith` (the same records with new counts, two bisect halves,
 *   or the remainder after a partial failure), retried after the backoff.
 * - `discard`: `sub` (the head, or the remainder after a partial failure) goes to the on-failure
 *   destination; the records before it, if any, are done.
 */
export type SubBatchStep =
  | { readonly action: 'succeeded'; readonly invocations: number }
  | { readonly action: 'retry'; readonly reason: RetryReason; readonly replaceWith: readonly SubBatch[]; readonly detail?: string }
  | { readonly action: 'discard'; readonly condition: DiscardCondition; readonly sub: SubBatch; readonly detail?: string };

/** Splits a sub-batch in two, the left half the larger; both keep the counts so far. */
export function bisect(sub: SubBatch): [SubBatch, SubBatch] {
  const middle = sub.start + Math.ceil((sub.end - sub.start) / 2);
  return [
    { ...sub, end: middle },
    { ...sub, start: middle },
  ];
}

/**
 * The stream failure rules for one sub-batch, after one attempt (pure).
 *
 * - ReportBatchItemFailures: the response is read only with the flag; a partial failure completes
 *   the records before the lowest failed sequence number and retries the remainder, which counts as
 *   a function error; an invalid response is a complete failure.
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 * - BisectBatchOnFunctionError: a function error (or a complete failure) splits a sub-batch of two
 *   or more records in two, without spending MaximumRetryAttempts; a partial response cuts the
 *   batch instead of splitting it. A single record spends the budget as without bisect.
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-errors
 * - Otherwise MaximumRetryAttempts and MaximumRecordAgeInSeconds as retry-policy.ts decides.
 */
export function planAfterAttempt(sub: SubBatch, attempt: AttemptResult, context: SubBatchContext): SubBatchStep {
  const reached = attempt.kind !== 'not-invoked' && attempt.kind !== 'refused';
  const invoked: SubBatch = { ...sub, invocations: sub.invocations + (reached ? 1 : 0) };
  if (attempt.kind === 'invoked' && attempt.result.functionError === undefined) {
    if (!context.job.functionResponseTypes.includes('ReportBatchItemFailures')) return { action: 'succeeded', invocations: invoked.invocations };
    const verdict = parseBatchItemFailures(attempt.result.payload, context.sequenceNumbers.slice(sub.start, sub.end));
    if (verdict.kind === 'success') return { action: 'succeeded', invocations: invoked.invocations };
    if (verdict.kind === 'partial') {
      const remainder: SubBatch = { ...invoked, start: sub.start + verdict.index };
      return afterFunctionError(remainder, asFunctionError(attempt.result), context, false, `partial batch failure from ${verdict.sequenceNumber}`);
    }
    return afterFunctionError(invoked, asFunctionError(attempt.result), context, true, verdict.reason);
  }
  // Not invoked: splitting the batch would not help.
  if (attempt.kind === 'not-invoked' || attempt.kind === 'refused') return afterFunctionError(invoked, attempt, context, false);
  return afterFunctionError(invoked, attempt, context, true);
}

function afterFunctionError(sub: SubBatch, attempt: AttemptResult, context: SubBatchContext, mayBisect: boolean, detail?: string): SubBatchStep {
  const extra = detail === undefined ? {} : { detail };
  if (mayBisect && context.job.bisectBatchOnFunctionError && sub.end - sub.start > 1) {
    return { action: 'retry', reason: 'function_error', replaceWith: bisect(sub), ...extra };
  }
  const limits = { ...context.job, firstArrivalMs: context.firstArrivalMs(sub), functionErrors: sub.functionErrors };
  const decision = decideAfterAttempt(limits, attempt, context.now);
  switch (decision.action) {
    case 'succeeded': // not reachable: the attempt failed
      return { action: 'retry', reason: 'function_error', replaceWith: [sub], ...extra };
    case 'retry':
      return { action: 'retry', reason: decision.reason, replaceWith: [{ ...sub, functionErrors: decision.functionErrors }], ...extra };
    case 'discard':
      return { action: 'discard', condition: decision.condition, sub: { ...sub, functionErrors: decision.functionErrors }, ...extra };
  }
}

/** A response refused under ReportBatchItemFailures costs what a function error costs. */
function asFunctionError(result: InvokeResult): AttemptResult {
  return { kind: 'invoked', result: { ...result, functionError: 'Unhandled' } };
}
