import { describe, expect, it } from 'vitest';
import { ErrorCode, SluiceError } from '@sluice/shared';
import { FakeInvoker } from '@sluice/invokers';
import { decideAfterAttempt, decideBeforeInvoke, recordAgeExceeded, type AttemptResult } from '@sluice/worker';
import { buildStreamBatchJob } from '../../../helpers/stream-batch-fixture.js';

// Rules: https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html (aws-facts.md 3.2).
const NOW = 1_700_000_000_000;
const success: AttemptResult = { kind: 'invoked', result: FakeInvoker.success() };
const functionError: AttemptResult = { kind: 'invoked', result: FakeInvoker.functionError() };
const transport: AttemptResult = { kind: 'not-invoked', error: new SluiceError(ErrorCode.InvokeTransport, 'refused', { retryable: true }) };

describe('retry policy', () => {
  it('succeeds on a function answer without functionError, counting earlier failed invocations', () => {
    // Arrange
    const job = buildStreamBatchJob({ functionErrors: 2, firstArrivalMs: NOW - 1000 });
    // Act
    const decision = decideAfterAttempt(job, success, NOW);
    // Assert
    expect(decision).toEqual({ action: 'succeeded', invocations: 3 });
  });

  it('retries function errors forever with MaximumRetryAttempts -1, spending one each time', () => {
    const job = buildStreamBatchJob({ maximumRetryAttempts: -1, functionErrors: 10_000, firstArrivalMs: NOW });
    expect(decideAfterAttempt(job, functionError, NOW)).toEqual({ action: 'retry', reason: 'function_error', functionErrors: 10_001 });
  });

  it('with MaximumRetryAttempts 2 invokes three times, then discards with RetryAttemptsExhausted', () => {
    const limits = { maximumRetryAttempts: 2, firstArrivalMs: NOW };
    expect(decideAfterAttempt(buildStreamBatchJob({ ...limits, functionErrors: 0 }), functionError, NOW)).toMatchObject({ action: 'retry', functionErrors: 1 });
    expect(decideAfterAttempt(buildStreamBatchJob({ ...limits, functionErrors: 1 }), functionError, NOW)).toMatchObject({ action: 'retry', functionErrors: 2 });
    expect(decideAfterAttempt(buildStreamBatchJob({ ...limits, functionErrors: 2 }), functionError, NOW)).toEqual({
      action: 'discard',
      condition: 'RetryAttemptsExhausted',
      functionErrors: 3,
      invocations: 3,
    });
  });

  it('with MaximumRetryAttempts 0 discards after the first failed invocation', () => {
    const job = buildStreamBatchJob({ maximumRetryAttempts: 0, firstArrivalMs: NOW });
    expect(decideAfterAttempt(job, functionError, NOW)).toMatchObject({ action: 'discard', condition: 'RetryAttemptsExhausted', invocations: 1 });
  });

  it('counts a function deleted while its batch waited as a function error', () => {
    const job = buildStreamBatchJob({ maximumRetryAttempts: 1, functionErrors: 1, firstArrivalMs: NOW });
    expect(decideAfterAttempt(job, { kind: 'function-missing' }, NOW)).toMatchObject({ action: 'discard', condition: 'RetryAttemptsExhausted' });
  });

  it('retries transport faults without spending MaximumRetryAttempts', () => {
    const job = buildStreamBatchJob({ maximumRetryAttempts: 0, functionErrors: 0, firstArrivalMs: NOW });
    expect(decideAfterAttempt(job, transport, NOW)).toEqual({ action: 'retry', reason: 'transport_error', functionErrors: 0 });
  });

  it('discards before invoking when the oldest record is older than MaximumRecordAgeInSeconds', () => {
    const job = buildStreamBatchJob({ maximumRecordAgeInSeconds: 60, firstArrivalMs: NOW - 60_001 });
    expect(decideBeforeInvoke(job, NOW)).toEqual({ action: 'discard', condition: 'RecordAgeExceeded', functionErrors: 0, invocations: 0 });
  });

  it('lets records exactly at the maximum age through, and never expires with -1', () => {
    expect(decideBeforeInvoke(buildStreamBatchJob({ maximumRecordAgeInSeconds: 60, firstArrivalMs: NOW - 60_000 }), NOW)).toBeUndefined();
    expect(recordAgeExceeded(buildStreamBatchJob({ maximumRecordAgeInSeconds: -1, firstArrivalMs: 0 }), NOW)).toBe(false);
  });

  it('discards instead of retrying once the records aged out during the attempt', () => {
    const job = buildStreamBatchJob({ maximumRecordAgeInSeconds: 60, firstArrivalMs: NOW - 61_000, functionErrors: 1 });
    expect(decideAfterAttempt(job, transport, NOW)).toEqual({ action: 'discard', condition: 'RecordAgeExceeded', functionErrors: 1, invocations: 1 });
    expect(decideAfterAttempt(job, functionError, NOW)).toMatchObject({ action: 'discard', condition: 'RecordAgeExceeded', functionErrors: 2 });
  });

  it('prefers RetryAttemptsExhausted when the last allowed retry failed and the records are also old', () => {
    const job = buildStreamBatchJob({ maximumRecordAgeInSeconds: 60, maximumRetryAttempts: 0, firstArrivalMs: NOW - 61_000 });
    expect(decideAfterAttempt(job, functionError, NOW)).toMatchObject({ action: 'discard', condition: 'RetryAttemptsExhausted' });
  });
});
