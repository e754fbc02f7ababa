import { describe, expect, it } from 'vitest';
import type { QueueEvents } from 'bullmq';
import type { BatchOutcome, StreamBatchJob, StreamBatchQueue } from '@sluice/shared';
import { BullmqDispatcher } from '@sluice/poller';
import { buildStreamBatchJob } from '../../../../helpers/stream-batch-fixture.js';

/**
 * A stand-in queue (faked dependency): add() hands back a job whose wait yields `outcome`, and
 * getJob() finds `stored` (what a previous owner of the shard queued), counting its reads.
 */
function fakeQueue(outcome: BatchOutcome, stored: StreamBatchJob | undefined) {
  const reads: string[] = [];
  const queue = {
    add: async () => ({ waitUntilFinished: async () => outcome }),
    getJob: async (id: string) => {
      reads.push(id);
      return stored === undefined ? undefined : { data: stored };
    },
  };
  return { queue: queue as unknown as StreamBatchQueue, reads };
}

const events = {} as QueueEvents;
const offered = buildStreamBatchJob();
const signal = new AbortController().signal;

describe('BullmqDispatcher', () => {
  it('takes the processed batch end from the outcome and reads nothing back', async () => {
    const { queue, reads } = fakeQueue({ status: 'succeeded', invocations: 1, lastSequenceNumber: '42' }, { ...offered, lastSequenceNumber: '7' });

    const result = await new BullmqDispatcher(queue, events).dispatch(offered, signal);

    expect(result.lastSequenceNumber).toBe('42');
    expect(reads).toEqual([]);
  });

  it("reads the stored job back when the outcome does not name its end (an earlier worker's)", async () => {
    const { queue, reads } = fakeQueue({ status: 'succeeded', invocations: 1 }, { ...offered, lastSequenceNumber: '7' });

    const result = await new BullmqDispatcher(queue, events).dispatch(offered, signal);

    expect(result).toEqual({ outcome: { status: 'succeeded', invocations: 1 }, lastSequenceNumber: '7' });
    expect(reads).toHaveLength(1);
  });

  it('falls back to the offered batch when the stored job aged out', async () => {
    const { queue } = fakeQueue({ status: 'succeeded', invocations: 1 }, undefined);

    const result = await new BullmqDispatcher(queue, events).dispatch(offered, signal);

    expect(result.lastSequenceNumber).toBe(offered.lastSequenceNumber);
  });
});
