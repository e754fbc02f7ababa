import { describe, expect, it } from 'vitest';
import { streamBatchJobId } from '@sluice/shared';

const batch = { mappingId: 'm-1', streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/s@1700000000000', shardId: 'shardId-000000000000', lane: 0, firstSequenceNumber: '4959' };

describe('streamBatchJobId', () => {
  it('is the same for the same batch of the same stream incarnation (a takeover finds the job)', () => {
    expect(streamBatchJobId({ ...batch })).toBe(streamBatchJobId(batch));
  });

  it('differs when the stream was created again, whose sequence numbers may repeat', () => {
    expect(streamBatchJobId({ ...batch, streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/s@1700000009999' })).not.toBe(streamBatchJobId(batch));
  });

  it('differs per lane and first record, and has no ":" (BullMQ refuses it)', () => {
    expect(streamBatchJobId({ ...batch, lane: 1 })).not.toBe(streamBatchJobId(batch));
    expect(streamBatchJobId({ ...batch, firstSequenceNumber: '4960' })).not.toBe(streamBatchJobId(batch));
    expect(streamBatchJobId(batch)).not.toContain(':');
  });
});
