import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { QueueEvents } from 'bullmq';
import { LocalBatchOutcomes, type BatchOutcome, type StreamBatchJob, type StreamBatchQueue } from '@sluice/shared';
import { BullmqDispatcher } from '@sluice/poller';
import { buildStreamBatchJob } from '../../../../helpers/stream-batch-fixture.js';

/**
 * A stand-in queue and event stream (faked dependencies): add() calls `onAdd` (which plays the
 * worker, emitting the job's events as BullMQ's QueueEvents does: `<event>:<jobId>`), and hands back
 * a job whose BullMQ finished-check (waitUntilFinished) yields `finished`, counting the checks;
 * getJob() finds `stored` (what a previous owner of the shard queued), counting its reads.
 */
function fakeQueue(options: { onAdd?: (jobId: string, events: EventEmitter) => void; finished?: BatchOutcome; stored?: StreamBatchJob }) {
  const events = new EventEmitter();
  const reads: string[] = [];
  let checks = 0;
  const queue = {
    add: async (_name: string, _data: unknown, { jobId }: { jobId: string }) => {
      options.onAdd?.(jobId, events);
      return {
        waitUntilFinished: async () => {
          checks += 1;
          return options.finished ?? new Promise(() => undefined);
        },
      };
    },
    getJob: async (id: string) => {
      reads.push(id);
      return options.stored === undefined ? undefined : { data: options.stored };
    },
  };
  return { queue: queue as unknown as StreamBatchQueue, events: events as unknown as QueueEvents, emitter: events, reads, checks: () => checks };
}

/** The worker finishes the job (its completed event) right after the add. */
const completesWith = (outcome: BatchOutcome) => (jobId: string, events: EventEmitter) =>
  setImmediate(() => events.emit(`completed:${jobId}`, { jobId, returnvalue: outcome }));

const offered = buildStreamBatchJob();
const signal = new AbortController().signal;

describe('BullmqDispatcher', () => {
  it('takes the processed batch end from the outcome on the event stream, reads nothing back and makes no finished-check for a new job', async () => {
    const { queue, events, reads, checks } = fakeQueue({ onAdd: completesWith({ status: 'succeeded', invocations: 1, lastSequenceNumber: '42' }), stored: { ...offered, lastSequenceNumber: '7' } });

    const result = await new BullmqDispatcher(queue, events).dispatch(offered, signal);

    expect(result.lastSequenceNumber).toBe('42');
    expect(reads).toEqual([]);
    expect(checks()).toBe(0);
  });

  it('a job already under the id (a takeover) that finished before: BullMQ\'s finished-check gives its outcome', async () => {
    const outcome: BatchOutcome = { status: 'succeeded', invocations: 1, lastSequenceNumber: '42' };
    const { queue, events, checks } = fakeQueue({ onAdd: (jobId, e) => e.emit(`duplicated:${jobId}`, { jobId }), finished: outcome });

    const result = await new BullmqDispatcher(queue, events).dispatch(offered, signal);

    expect(result.outcome).toEqual(outcome);
    expect(checks()).toBe(1);
  });

  it('passes on the problems the worker reports while it retries the batch, then the outcome', async () => {
    const problems: string[] = [];
    const { queue, events } = fakeQueue({
      onAdd: (jobId, e) =>
        setImmediate(() => {
          e.emit(`progress:${jobId}`, { jobId, data: { problem: 'PROBLEM: Function call failed' } });
          e.emit(`progress:${jobId}`, { jobId, data: 42 }); // not a problem report: ignored
          e.emit(`completed:${jobId}`, { jobId, returnvalue: { status: 'succeeded', invocations: 2, lastSequenceNumber: '42' } });
        }),
    });

    const result = await new BullmqDispatcher(queue, events).dispatch(offered, signal, (p) => problems.push(p));

    expect(problems).toEqual(['PROBLEM: Function call failed']);
    expect(result.outcome.invocations).toBe(2);
  });

  it("reads the stored job back when the outcome does not name its end (an earlier worker's)", async () => {
    const { queue, events, reads } = fakeQueue({ onAdd: completesWith({ status: 'succeeded', invocations: 1 }), stored: { ...offered, lastSequenceNumber: '7' } });

    const result = await new BullmqDispatcher(queue, events).dispatch(offered, signal);

    expect(result).toEqual({ outcome: { status: 'succeeded', invocations: 1 }, lastSequenceNumber: '7' });
    expect(reads).toHaveLength(1);
  });

  it('falls back to the offered batch when the stored job aged out', async () => {
    const { queue, events } = fakeQueue({ onAdd: completesWith({ status: 'succeeded', invocations: 1 }) });

    const result = await new BullmqDispatcher(queue, events).dispatch(offered, signal);

    expect(result.lastSequenceNumber).toBe(offered.lastSequenceNumber);
  });

  it('stops waiting when the signal aborts, and leaves no listener behind', async () => {
    const controller = new AbortController();
    const { queue, events, emitter } = fakeQueue({});
    const dispatching = new BullmqDispatcher(queue, events).dispatch(offered, controller.signal);
    await new Promise((resolve) => setImmediate(resolve));

    controller.abort(new Error('stopping'));

    await expect(dispatching).rejects.toThrow('stopping');
    expect(emitter.eventNames()).toEqual([]);
  });

  it('an abort while the add still waits on Redis (an outage) is no unhandled rejection: the process lived on (found by the chaos suite)', async () => {
    const unhandled: unknown[] = [];
    const note = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', note);
    const controller = new AbortController();
    let failAdd = (_error: Error) => undefined as void;
    const { queue, events } = fakeQueue({});
    const stalled = { ...queue, add: () => new Promise((_resolve, reject) => (failAdd = reject)) } as unknown as StreamBatchQueue;
    const dispatching = new BullmqDispatcher(stalled, events).dispatch(offered, controller.signal);
    dispatching.catch(() => undefined);

    controller.abort(new Error('stopping: the lease expired'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    failAdd(new Error('Reached the max retries per request limit'));

    await expect(dispatching).rejects.toThrow('Reached the max retries per request limit');
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', note);
    expect(unhandled).toEqual([]);
  });
});

describe('BullmqDispatcher with a worker in the same process', () => {
  it('takes the outcome the local worker announces, without waiting for the event stream', async () => {
    // Arrange: the local worker finishes the job while it is being added
    const local = new LocalBatchOutcomes();
    const { queue, events } = fakeQueue({ onAdd: (jobId) => local.announce(jobId, { status: 'succeeded', invocations: 1, lastSequenceNumber: '42' }) });

    // Act
    const result = await new BullmqDispatcher(queue, events, local).dispatch(offered, signal);

    // Assert
    expect(result).toEqual({ outcome: { status: 'succeeded', invocations: 1, lastSequenceNumber: '42' }, lastSequenceNumber: '42' });
  });

  it('takes the event stream outcome of a batch a worker elsewhere ran, and ignores a later local announcement', async () => {
    const local = new LocalBatchOutcomes();
    let id = '';
    const { queue, events, emitter } = fakeQueue({ onAdd: (jobId) => (id = jobId) });
    const dispatching = new BullmqDispatcher(queue, events, local).dispatch(offered, signal);
    await new Promise((resolve) => setImmediate(resolve));

    emitter.emit(`completed:${id}`, { jobId: id, returnvalue: { status: 'discarded', condition: 'RetryAttemptsExhausted', invocations: 3, lastSequenceNumber: '9' } });
    const result = await dispatching;
    local.announce(id, { status: 'succeeded', invocations: 1, lastSequenceNumber: '42' });

    expect(result.outcome.status).toBe('discarded');
    expect(result.lastSequenceNumber).toBe('9');
  });
});
