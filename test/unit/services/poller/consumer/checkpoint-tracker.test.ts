import { describe, expect, it } from 'vitest';
import { CheckpointTracker } from '../../../../../services/poller/src/consumer/checkpoint-tracker.js';
import { laneOf } from '../../../../../services/poller/src/consumer/lanes.js';

describe('CheckpointTracker', () => {
  it('moves only to the end of the completed prefix', () => {
    const tracker = new CheckpointTracker();
    tracker.add(['1', '2', '3', '4', '5']);
    expect(tracker.complete(['2', '4'])).toBeUndefined();
    expect(tracker.complete(['1'])).toBe('2');
    expect(tracker.complete(['5'])).toBeUndefined();
    expect(tracker.complete(['3'])).toBe('5');
    expect(tracker.pendingCount).toBe(0);
  });

  it('ignores sequence numbers it does not track', () => {
    const tracker = new CheckpointTracker();
    tracker.add(['10']);
    expect(tracker.complete(['9'])).toBeUndefined();
    expect(tracker.pendingCount).toBe(1);
  });
});

// ParallelizationFactor keeps order per partition key:
// https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-parallelization
describe('laneOf', () => {
  it('puts every record of one key in one lane, within range, stably', () => {
    for (const key of ['a', 'order-17', 'ü', '']) {
      const lane = laneOf(key, 7);
      expect(lane).toBeGreaterThanOrEqual(0);
      expect(lane).toBeLessThan(7);
      expect(laneOf(key, 7)).toBe(lane);
    }
    expect(laneOf('anything', 1)).toBe(0);
  });

  it('spreads keys over the lanes', () => {
    const used = new Set(Array.from({ length: 200 }, (_, i) => laneOf(`key-${i}`, 10)));
    expect(used.size).toBe(10);
  });
});
