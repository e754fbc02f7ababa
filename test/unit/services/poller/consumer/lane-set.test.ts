import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '@sluice/shared';
import { MAX_PAYLOAD_BYTES } from '../../../../../services/poller/src/consumer/batcher.js';
import { LaneSet } from '../../../../../services/poller/src/consumer/lane-set.js';

const record = (seq: number, key: string): StreamRecord => ({ sequenceNumber: String(seq), partitionKey: key, approximateArrivalMs: 0, sizeBytes: 10, lambdaRecord: {} });

describe('LaneSet.takeBuffered (a ParallelizationFactor change re-lanes what is buffered)', () => {
  it('empties every lane and returns the records in read order, put-back ones included', () => {
    const lanes = new LaneSet(() => 0);
    lanes.push([record(1000, 'a'), record(1001, 'b'), record(1002, 'c'), record(1003, 'a'), record(1004, 'd'), record(1005, 'b')], 3);
    lanes.putBack(0, [record(999, 'x')]);
    expect(lanes.takeBuffered().map((r) => r.sequenceNumber)).toEqual(['999', '1000', '1001', '1002', '1003', '1004', '1005']);
    expect(lanes.bufferedCount).toBe(0);
    expect(lanes.msUntilNextWindow(1000)).toBe(Number.POSITIVE_INFINITY); // no lane's batching window left open
  });

  it('refuses while a batch is in flight: that batch still holds the place of its keys in the order', async () => {
    const lanes = new LaneSet(() => 0);
    lanes.push([record(1000, 'a'), record(1001, 'a')], 1);
    let finish: () => void = () => undefined;
    lanes.dispatchReady({ batchSize: 1, maxPayloadBytes: MAX_PAYLOAD_BYTES, windowMs: 0 }, false, () => new Promise<void>((resolve) => (finish = resolve)));
    expect(lanes.inFlightCount).toBe(1);
    expect(() => lanes.takeBuffered()).toThrow(/in flight/);
    finish();
    await lanes.settled();
    expect(lanes.takeBuffered().map((r) => r.sequenceNumber)).toEqual(['1001']);
  });
});
