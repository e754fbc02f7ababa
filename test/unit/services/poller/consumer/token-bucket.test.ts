import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../../services/poller/src/consumer/token-bucket.js';

describe('TokenBucket', () => {
  it('starts full, then spaces takes 1/rate apart (2.5 a second: 400 ms)', () => {
    const bucket = new TokenBucket({ ratePerSecond: 2.5, capacity: 1 }, 0);

    expect(bucket.msUntilToken(0)).toBe(0);
    bucket.take(0);
    expect(bucket.msUntilToken(0)).toBe(400);
    expect(bucket.msUntilToken(300)).toBe(100);
    expect(bucket.msUntilToken(400)).toBe(0);
  });

  it('keeps no more than its capacity however long it waits: at most 1 + rate x T takes in T seconds', () => {
    const bucket = new TokenBucket({ ratePerSecond: 2.5, capacity: 1 }, 0);
    let taken = 0;
    // Takes as soon as it may, for 10 s after an hour's idleness.
    for (let now = 3_600_000; now <= 3_610_000; now += 1) {
      if (bucket.msUntilToken(now) === 0) {
        bucket.take(now);
        taken += 1;
      }
    }

    expect(taken).toBe(1 + 2.5 * 10);
  });

  it('drain() makes the next take wait a whole interval (a throttled call)', () => {
    const bucket = new TokenBucket({ ratePerSecond: 5, capacity: 1 }, 0);

    bucket.drain(1000);

    expect(bucket.msUntilToken(1000)).toBe(200);
  });

  it('refuses a rate or capacity that could never let a call through', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, capacity: 1 }, 0)).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, capacity: 0.5 }, 0)).toThrow(RangeError);
  });
});
