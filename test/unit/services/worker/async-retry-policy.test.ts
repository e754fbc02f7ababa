import { describe, expect, it } from 'vitest';
import { NO_ATTEMPTS, decideAfterAsyncAttempt, decideBeforeAsyncAttempt, type AsyncLimits, type AsyncRetrySettings } from '@sluice/worker';

const ACCEPTED = 1_000_000;
const limits: AsyncLimits = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21_600, acceptedAt: ACCEPTED };
const settings: AsyncRetrySettings = { functionErrorDelaysMs: [60_000, 120_000], backoff: { baseMs: 1000, maxMs: 300_000 } };
const half = () => 0.5;

// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
describe('async retry policy', () => {
  it('retries function errors after 1 minute, then 2 minutes, then gives up with RetriesExhausted after 3 invocations', () => {
    const first = decideAfterAsyncAttempt(limits, NO_ATTEMPTS, 'function_error', settings, ACCEPTED, half);
    expect(first).toEqual({ action: 'retry', reason: 'function_error', delayMs: 60_000, attempts: { invocations: 1, functionErrors: 1, throttles: 0 } });
    if (first.action !== 'retry') throw new Error('expected a retry');
    const second = decideAfterAsyncAttempt(limits, first.attempts, 'function_error', settings, ACCEPTED + 60_000, half);
    expect(second).toEqual({ action: 'retry', reason: 'function_error', delayMs: 120_000, attempts: { invocations: 2, functionErrors: 2, throttles: 0 } });
    if (second.action !== 'retry') throw new Error('expected a retry');

    const third = decideAfterAsyncAttempt(limits, second.attempts, 'function_error', settings, ACCEPTED + 180_000, half);

    expect(third).toEqual({ action: 'discard', condition: 'RetriesExhausted', attempts: { invocations: 3, functionErrors: 3, throttles: 0 } });
  });

  it('spends a retry on an internal fault that is not transient, at the function-error delays, without counting an invocation', () => {
    const first = decideAfterAsyncAttempt(limits, NO_ATTEMPTS, 'internal_fault', settings, ACCEPTED, half);
    expect(first).toEqual({ action: 'retry', reason: 'internal_fault', delayMs: 60_000, attempts: { invocations: 0, functionErrors: 1, throttles: 0 } });

    const last = decideAfterAsyncAttempt(limits, { invocations: 1, functionErrors: 2, throttles: 3 }, 'internal_fault', settings, ACCEPTED, half);

    expect(last).toEqual({ action: 'discard', condition: 'RetriesExhausted', attempts: { invocations: 1, functionErrors: 3, throttles: 0 } });
  });

  it('gives up after the first error with MaximumRetryAttempts 0', () => {
    const decision = decideAfterAsyncAttempt({ ...limits, maximumRetryAttempts: 0 }, NO_ATTEMPTS, 'function_error', settings, ACCEPTED, half);

    expect(decision).toMatchObject({ action: 'discard', condition: 'RetriesExhausted', attempts: { invocations: 1 } });
  });

  it('requeues throttles and system errors with exponential backoff from 1 s up to 5 min, spending no retries', () => {
    const delays: number[] = [];
    let attempts = { invocations: 1, functionErrors: 1, throttles: 0 };
    for (let i = 0; i < 12; i++) {
      const decision = decideAfterAsyncAttempt(limits, attempts, i % 2 === 0 ? 'throttle' : 'system_error', settings, ACCEPTED, () => 1);
      if (decision.action !== 'retry') throw new Error(`expected a retry, got ${decision.action}`);
      delays.push(decision.delayMs);
      attempts = { ...decision.attempts };
    }

    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000]);
    expect(attempts).toEqual({ invocations: 1, functionErrors: 1, throttles: 12 });
  });

  it('resets the throttle backoff after an invocation', () => {
    const decision = decideAfterAsyncAttempt(limits, { invocations: 0, functionErrors: 0, throttles: 5 }, 'function_error', settings, ACCEPTED, half);

    expect(decision).toMatchObject({ action: 'retry', attempts: { throttles: 0 } });
  });

  it('discards with EventAgeExceeded instead of a retry that would start past MaximumEventAgeInSeconds', () => {
    const short = { ...limits, maximumEventAgeInSeconds: 60 };

    expect(decideAfterAsyncAttempt(short, NO_ATTEMPTS, 'function_error', settings, ACCEPTED + 1, half)).toEqual({
      action: 'discard',
      condition: 'EventAgeExceeded',
      attempts: { invocations: 1, functionErrors: 1, throttles: 0 },
    });
    expect(decideAfterAsyncAttempt(short, NO_ATTEMPTS, 'throttle', settings, ACCEPTED + 59_500, () => 1)).toMatchObject({ action: 'discard', condition: 'EventAgeExceeded' });
    expect(decideAfterAsyncAttempt(short, NO_ATTEMPTS, 'throttle', settings, ACCEPTED + 50_000, () => 1)).toMatchObject({ action: 'retry', delayMs: 1000 });
  });

  it('discards an event older than MaximumEventAgeInSeconds before any attempt', () => {
    expect(decideBeforeAsyncAttempt(limits, NO_ATTEMPTS, undefined, ACCEPTED + 21_600_000)).toEqual({ action: 'invoke' });
    expect(decideBeforeAsyncAttempt(limits, NO_ATTEMPTS, undefined, ACCEPTED + 21_600_001)).toEqual({ action: 'discard', condition: 'EventAgeExceeded', attempts: NO_ATTEMPTS });
  });

  it('sends events of a function with reserved concurrency 0 straight to OnFailure', () => {
    expect(decideBeforeAsyncAttempt(limits, NO_ATTEMPTS, 0, ACCEPTED)).toEqual({ action: 'discard', condition: 'ZeroReservedConcurrency', attempts: NO_ATTEMPTS });
    expect(decideBeforeAsyncAttempt(limits, NO_ATTEMPTS, 1, ACCEPTED)).toEqual({ action: 'invoke' });
  });

  it('succeeds', () => {
    expect(decideAfterAsyncAttempt(limits, { invocations: 1, functionErrors: 1, throttles: 2 }, 'success', settings, ACCEPTED)).toEqual({
      action: 'succeeded',
      attempts: { invocations: 2, functionErrors: 1, throttles: 0 },
    });
  });
});
