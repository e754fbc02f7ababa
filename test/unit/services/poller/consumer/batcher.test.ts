import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '@sluice/shared';
import { MAX_PAYLOAD_BYTES, isBatchReady, takeBatch } from '../../../../../services/poller/src/consumer/batcher.js';

const record = (seq: number, sizeBytes = 100): StreamRecord => ({
  sequenceNumber: String(seq),
  partitionKey: 'k',
  approximateArrivalMs: 0,
  sizeBytes,
  lambdaRecord: {},
});
const records = (n: number, size = 100) => Array.from({ length: n }, (_, i) => record(i + 1, size));

// Batching rules: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching
describe('takeBatch', () => {
  it('takes at most BatchSize records, in order', () => {
    const batch = takeBatch(records(10), { batchSize: 4, maxPayloadBytes: MAX_PAYLOAD_BYTES, windowMs: 0 });
    expect(batch.map((r) => r.sequenceNumber)).toEqual(['1', '2', '3', '4']);
  });

  it('cuts before the 6 MB payload cap, counting the envelope and separators', () => {
    const oneMb = 1024 * 1024;
    const batch = takeBatch(records(10, oneMb), { batchSize: 100, maxPayloadBytes: MAX_PAYLOAD_BYTES, windowMs: 0 });
    expect(batch).toHaveLength(5);
    const exact = takeBatch(records(3, 100), { batchSize: 100, maxPayloadBytes: '{"Records":[]}'.length + 302, windowMs: 0 });
    expect(exact).toHaveLength(3);
    const over = takeBatch(records(3, 100), { batchSize: 100, maxPayloadBytes: '{"Records":[]}'.length + 301, windowMs: 0 });
    expect(over).toHaveLength(2);
  });

  it('still sends a single record larger than the cap, alone', () => {
    expect(takeBatch([record(1, MAX_PAYLOAD_BYTES + 1), record(2)], { batchSize: 10, maxPayloadBytes: MAX_PAYLOAD_BYTES, windowMs: 0 })).toHaveLength(1);
  });
});

// https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-batchwindow
describe('isBatchReady', () => {
  const limits = { batchSize: 10, maxPayloadBytes: MAX_PAYLOAD_BYTES, windowMs: 1000 };
  it('sends at once without a window', () => {
    expect(isBatchReady(records(1), { ...limits, windowMs: 0 }, 0, 0, false)).toBe(true);
    expect(isBatchReady([], { ...limits, windowMs: 0 }, 0, 0, false)).toBe(false);
  });

  it('waits for the window unless the batch is full or the shard ended', () => {
    expect(isBatchReady(records(3), limits, 0, 999, false)).toBe(false);
    expect(isBatchReady(records(3), limits, 0, 1000, false)).toBe(true);
    expect(isBatchReady(records(10), limits, 0, 1, false)).toBe(true);
    expect(isBatchReady(records(3), limits, 0, 1, true)).toBe(true);
    expect(isBatchReady(records(3, 3 * 1024 * 1024), limits, 0, 1, false)).toBe(true);
  });
});
