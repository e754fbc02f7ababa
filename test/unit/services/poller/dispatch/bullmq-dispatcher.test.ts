import { describe, expect, it } from 'vitest';
import type { QueueEvents } from 'bullmq';
import { LocalBatchOutcomes, type BatchOutcome, type StreamBatchJob, type StreamBatchQueue } from '@sluice/shared';
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

describe('BullmqDispatcher with a worker in the same process', () => {
  /** A queue whose event stream reports nothing until `report` is called (faked dependency). */
  function slowEventsQueue(onAdd: (jobId: string) => void) {
    let report: (outcome: BatchOutcome) => void = () => undefined;
    const queue = {
      add: async (_name: string, _data: unknown, options: { jobId: string }) => {
        onAdd(options.jobId);
        return {
          waitUntilFinished: () =>
            new Promise<BatchOutcome>((resolve) => {
              report = resolve;
            }),
        };
      },
      getJob: async () => undefined,
    };
    return { queue: queue as unknown as StreamBatchQueue, report: (o: BatchOutcome) => report(o) };
  }

  it('takes the outcome the local worker announces, without waiting for the event stream', async () => {
    // Arrange: the local worker finishes the job while it is being added
    const local = new LocalBatchOutcomes();
    const { queue } = slowEventsQueue((jobId) => local.announce(jobId, { status: 'succeeded', invocations: 1, lastSequenceNumber: '42' }));

    // Act
    const result = await new BullmqDispatcher(queue, events, local).dispatch(offered, signal);

    // Assert
    expect(result).toEqual({ outcome: { status: 'succeeded', invocations: 1, lastSequenceNumber: '42' }, lastSequenceNumber: '42' });
  });

  it('takes the event stream outcome of a batch a worker elsewhere ran, and ignores a later local announcement', async () => {
    const local = new LocalBatchOutcomes();
    let id = '';
    const { queue, report } = slowEventsQueue((jobId) => (id = jobId));
    const dispatching = new BullmqDispatcher(queue, events, local).dispatch(offered, signal);
    await new Promise((resolve) => setImmediate(resolve));

    report({ status: 'discarded', condition: 'RetryAttemptsExhausted', invocations: 3, lastSequenceNumber: '9' });
    const result = await dispatching;
    local.announce(id, { status: 'succeeded', invocations: 1, lastSequenceNumber: '42' });

    expect(result.outcome.status).toBe('discarded');
    expect(result.lastSequenceNumber).toBe('9');
  });
});
