import { describe, expect, it } from 'vitest';
import type { InvokeResult, SubBatch } from '@sluice/shared';
import { bisect, planAfterAttempt, type SubBatchContext } from '../../../../services/worker/src/sub-batch-plan.js';
import type { AttemptResult } from '../../../../services/worker/src/retry-policy.js';

const NOW = 1_700_000_000_000;
const SEQS = Array.from({ length: 8 }, (_, i) => String(500 + i));
const whole: SubBatch = { start: 0, end: 8, functionErrors: 0, invocations: 0 };

function context(job: Partial<SubBatchContext['job']> = {}): SubBatchContext {
  return {
    job: { maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1, bisectBatchOnFunctionError: false, functionResponseTypes: [], ...job },
    sequenceNumbers: SEQS,
    firstArrivalMs: () => NOW - 1000,
    now: NOW,
  };
}

const answer = (payload: string, functionError?: 'Unhandled'): AttemptResult => {
  const result: InvokeResult = { payload, statusCode: 200, durationMs: 1, ...(functionError ? { functionError } : {}) };
  return { kind: 'invoked', result };
};
const failed = answer('{"errorMessage":"boom"}', 'Unhandled');
const partialFrom = (seq: string) => answer(JSON.stringify({ batchItemFailures: [{ itemIdentifier: seq }] }));

describe('bisect', () => {
  it('splits in two, the left half the larger, keeping the counts', () => {
    expect(bisect({ start: 2, end: 7, functionErrors: 1, invocations: 3 })).toEqual([
      { start: 2, end: 5, functionErrors: 1, invocations: 3 },
      { start: 5, end: 7, functionErrors: 1, invocations: 3 },
    ]);
  });
});

describe('planAfterAttempt', () => {
  it('splits a failed batch without spending MaximumRetryAttempts', () => {
    const step = planAfterAttempt(whole, failed, context({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 }));

    expect(step).toEqual({
      action: 'retry',
      reason: 'function_error',
      replaceWith: [
        { start: 0, end: 4, functionErrors: 0, invocations: 1 },
        { start: 4, end: 8, functionErrors: 0, invocations: 1 },
      ],
    });
  });

  it('spends the budget on a single record, and discards it when spent', () => {
    const single: SubBatch = { start: 3, end: 4, functionErrors: 0, invocations: 3 };

    const step = planAfterAttempt(single, failed, context({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 }));

    expect(step).toEqual({ action: 'discard', condition: 'RetryAttemptsExhausted', sub: { start: 3, end: 4, functionErrors: 1, invocations: 4 } });
  });

  it('retries the whole batch without bisect', () => {
    const step = planAfterAttempt(whole, failed, context({ maximumRetryAttempts: 2 }));

    expect(step).toEqual({ action: 'retry', reason: 'function_error', replaceWith: [{ ...whole, functionErrors: 1, invocations: 1 }] });
  });

  it('ignores the response body without ReportBatchItemFailures', () => {
    expect(planAfterAttempt(whole, partialFrom('503'), context())).toEqual({ action: 'succeeded', invocations: 1 });
  });

  it('continues from the lowest failed record as a function error retry', () => {
    const step = planAfterAttempt(whole, partialFrom('503'), context({ functionResponseTypes: ['ReportBatchItemFailures'] }));

    expect(step).toMatchObject({ action: 'retry', reason: 'function_error', replaceWith: [{ start: 3, end: 8, functionErrors: 1, invocations: 1 }] });
  });

  it('with bisect too, cuts a partial failure at the returned sequence number instead of splitting', () => {
    const step = planAfterAttempt(whole, partialFrom('506'), context({ functionResponseTypes: ['ReportBatchItemFailures'], bisectBatchOnFunctionError: true }));

    expect(step).toMatchObject({ action: 'retry', replaceWith: [{ start: 6, end: 8, functionErrors: 1 }] });
  });

  it('with bisect, splits on an invalid batchItemFailures response (a complete failure)', () => {
    const bad = answer('{"batchItemFailures":[{"itemIdentifier":""}]}');

    const step = planAfterAttempt(whole, bad, context({ functionResponseTypes: ['ReportBatchItemFailures'], bisectBatchOnFunctionError: true }));

    expect(step).toMatchObject({ action: 'retry', replaceWith: [{ start: 0, end: 4 }, { start: 4, end: 8 }] });
  });

  it('discards the remainder of a partial failure when the budget is spent', () => {
    const step = planAfterAttempt(whole, partialFrom('505'), context({ functionResponseTypes: ['ReportBatchItemFailures'], maximumRetryAttempts: 0 }));

    expect(step).toMatchObject({ action: 'discard', condition: 'RetryAttemptsExhausted', sub: { start: 5, end: 8, functionErrors: 1, invocations: 1 } });
  });

  it('retries transport faults without spending the budget or splitting', () => {
    const step = planAfterAttempt(whole, { kind: 'not-invoked', error: new Error('ECONNREFUSED') }, context({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 }));

    expect(step).toEqual({ action: 'retry', reason: 'transport_error', replaceWith: [whole] });
  });
});
