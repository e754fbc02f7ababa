import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger, createSluiceMetrics, type QueueMapping } from '@sluice/shared';
import { QueueReceiveLoop } from '../../../../../services/poller/src/queue/queue-receive-loop.js';
import { QueueScaler } from '../../../../../services/poller/src/queue/queue-scaler.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { FakeQueueBatchDispatcher, FakeQueueSource, buildQueueMapping } from '../fakes/fake-queue-source.js';

function setup(initial: Partial<QueueMapping> = {}, backoff = { baseMs: 10, maxMs: 50 }) {
  const source = new FakeQueueSource(30);
  const dispatcher = new FakeQueueBatchDispatcher();
  let mapping: QueueMapping | undefined = buildQueueMapping(initial);
  const loop = new QueueReceiveLoop({
    source,
    dispatcher,
    mapping: () => mapping,
    scaler: new QueueScaler(1),
    loops: () => 1,
    visibilityTimeoutSeconds: () => 30,
    onGrow: () => undefined,
    metrics: createSluiceMetrics(),
    logger: createLogger({ level: 'silent' }),
    backoff,
    fifo: false,
  });
  const update = (changes: Partial<QueueMapping>) => void (mapping = { ...mapping!, ...changes });
  return { source, dispatcher, loop, update };
}

const batchBodies = (dispatcher: FakeQueueBatchDispatcher) => dispatcher.jobs.map((job) => job.records.map((r) => r['body']));

describe('QueueReceiveLoop', () => {
  it('hands a received batch to the workers and deletes its messages when it succeeded', async () => {
    const { source, dispatcher, loop } = setup();
    void loop.start();

    source.send(['a', 'b']);

    await waitFor(() => source.deleted.length === 2, { timeoutMs: 2000 });
    expect(batchBodies(dispatcher)).toEqual([['a', 'b']]);
    await loop.stop();
  });

  it('stopped while long-polling, gives back at once what that poll still brings, and invokes nothing', async () => {
    // Arrange: the loop waits in a 20 s long poll
    const { source, dispatcher, loop } = setup();
    void loop.start();
    await sleep(20);

    // Act: stop (a mapping disabled or deleted), then messages arrive
    await loop.stop();
    source.send(['late-1', 'late-2']);

    // Assert: visible again for any poller, not hidden for a 30 s visibility timeout
    await waitFor(() => source.depth().visible === 2, { timeoutMs: 1000, message: () => `depth ${JSON.stringify(source.depth())}` });
    await sleep(20);
    expect(dispatcher.jobs).toEqual([]);
    expect(loop.state).toBe('stopped');
  });

  it('applies a smaller BatchSize to the batch it is gathering, also when its receive asked for more', async () => {
    // Arrange: a long poll for up to 10 is waiting when BatchSize drops to 2
    const { source, dispatcher, loop, update } = setup({ batchSize: 10 });
    void loop.start();
    await sleep(20);
    update({ batchSize: 2 });

    // Act
    source.send(['m1', 'm2', 'm3', 'm4', 'm5']);

    // Assert: the three that did not fit go in the next batches, in order
    await waitFor(() => source.deleted.length === 5, { timeoutMs: 2000 });
    expect(batchBodies(dispatcher)).toEqual([['m1', 'm2'], ['m3', 'm4'], ['m5']]);
    await loop.stop();
  });

  it('backs off receiving while batches cannot be handed to the workers, so receive counts do not run up to the DLQ', async () => {
    // Arrange: the queue of batches (Redis) is down; 100 messages wait
    const { source, dispatcher, loop } = setup({}, { baseMs: 50, maxMs: 200 });
    dispatcher.dispatch = async () => {
      throw new Error('Redis connection lost');
    };
    source.send(Array.from({ length: 100 }, (_, i) => `m${i}`));

    // Act
    void loop.start();
    await sleep(300);
    await loop.stop();

    // Assert: a few receives of 10 in 300 ms (backoff from 50 ms up), not one after another
    const received = source.stored.filter((m) => m.receives > 0).length;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(50);
  });

  it('waits for the outcome of a batch in flight when stopped, and deletes what succeeded', async () => {
    const { source, dispatcher, loop } = setup();
    let finish: () => void = () => undefined;
    dispatcher.hold = new Promise<void>((resolve) => (finish = resolve));
    void loop.start();
    source.send(['running']);
    await waitFor(() => dispatcher.jobs.length === 1, { timeoutMs: 1000 });

    const stopped = loop.stop();
    finish();
    await stopped;

    expect(source.deleted).toEqual(['running']);
    // The next batch's receive began while that one ran; a long poll is not cut short, so the loop
    // is stopped once it ends (here at the next message, which it gives back).
    source.send(['after-stop']);
    await waitFor(() => loop.state === 'stopped', { timeoutMs: 1000 });
    expect(dispatcher.jobs).toHaveLength(1);
    await waitFor(() => source.depth().visible === 1, { timeoutMs: 1000, message: () => `depth ${JSON.stringify(source.depth())}` });
  });
});
