import { describe, expect, it } from 'vitest';
import { ReadPacer } from '../../../../../services/poller/src/consumer/read-pacer.js';

const options = { pollIntervalMs: 1000, readsPerSecond: 2.5, backoff: { baseMs: 100, maxMs: 60_000 }, random: () => 1 };

describe('ReadPacer', () => {
  it('a quiet shard waits 20 ms after its first empty read, doubling up to the poll interval (1 s)', () => {
    const pacer = new ReadPacer({ ...options, readsPerSecond: 1000 }, 0);
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 9; i += 1) {
      pacer.readStarted(now);
      pacer.readSucceeded(now, { empty: true, caughtUp: true });
      const next = pacer.nextReadAt(now);
      waits.push(next - now);
      now = next;
    }

    expect(waits).toEqual([20, 40, 80, 160, 320, 640, 1000, 1000, 1000]);
  });

  it('records coming back: no idle wait, but never more reads than the share (2.5 a second)', () => {
    const pacer = new ReadPacer(options, 0);
    const starts: number[] = [];
    for (let now = 0; now <= 10_000; now += 1) {
      if (now < pacer.nextReadAt(now)) continue;
      pacer.readStarted(now);
      starts.push(now);
      pacer.readSucceeded(now, { empty: false, caughtUp: false });
    }

    expect(starts.slice(0, 4)).toEqual([0, 400, 800, 1200]);
    expect(starts).toHaveLength(26);
  });

  it('consecutive failures back off exponentially (backoffDelay), and a success resets them', () => {
    const pacer = new ReadPacer(options, 0);

    const waits = [1, 2, 3, 4].map((n) => pacer.callFailed(n * 100_000, { retryable: true, throttled: false }));
    const nextAfterFourth = pacer.nextReadAt(400_000);
    pacer.readSucceeded(500_000, { empty: false, caughtUp: false });
    const afterSuccess = pacer.callFailed(600_000, { retryable: true, throttled: false });

    expect(waits).toEqual([100, 200, 400, 800]);
    expect(nextAfterFourth).toBe(400_800);
    expect(pacer.consecutiveFailures).toBe(1);
    expect(afterSuccess).toBe(100);
  });

  it('a fault retrying cannot mend waits the longest backoff at once, not the shortest', () => {
    const pacer = new ReadPacer(options, 0);

    expect(pacer.callFailed(0, { retryable: false, throttled: false })).toBe(60_000);
    expect(pacer.nextReadAt(0)).toBe(60_000);
  });

  it('a throttled read empties the bucket: the next read waits a whole share interval even after a short backoff', () => {
    const pacer = new ReadPacer({ ...options, backoff: { baseMs: 10, maxMs: 1000 } }, 0);
    pacer.readStarted(0);

    pacer.callFailed(500, { retryable: true, throttled: true });

    expect(pacer.nextReadAt(500)).toBe(900);
  });
});
