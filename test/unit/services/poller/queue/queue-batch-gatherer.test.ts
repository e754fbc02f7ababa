import { describe, expect, it } from 'vitest';
import type { QueueMessage } from '@sluice/shared';
import { MAX_PAYLOAD_BYTES, QueueBatchGatherer } from '../../../../../services/poller/src/queue/queue-batch-gatherer.js';
import { ids, queueMessage } from '../fakes/queue-messages.js';

const T0 = 1_000_000;

function messages(count: number, from = 1): QueueMessage[] {
  return Array.from({ length: count }, (_, i) => queueMessage(`m${from + i}`));
}

/** A message whose Lambda record is `sizeBytes` long as JSON (the gatherer counts that). */
function sized(id: string, sizeBytes: number): QueueMessage {
  return { ...queueMessage(id), sizeBytes };
}

function gatherer(limits: { batchSize: number; windowMs: number; maxPayloadBytes?: number }, carried: QueueMessage[] = []) {
  return new QueueBatchGatherer({ maxPayloadBytes: MAX_PAYLOAD_BYTES, ...limits }, carried, T0);
}

// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html: Lambda "continues to
// poll messages ... until the batch window expires, the invocation payload size quota is reached,
// or the configured maximum batch size is reached".
describe('QueueBatchGatherer', () => {
  it('long-polls 20 s for up to 10 messages while it holds none', () => {
    const g = gatherer({ batchSize: 100, windowMs: 5000 });

    expect(g.nextReceive(T0)).toEqual({ maxMessages: 10, waitSeconds: 20 });
    expect(g.isReady(T0)).toBe(false);
  });

  it('asks for no more than BatchSize', () => {
    expect(gatherer({ batchSize: 3, windowMs: 0 }).nextReceive(T0).maxMessages).toBe(3);
  });

  it('without a window, is ready with what the first receive brought', () => {
    const g = gatherer({ batchSize: 10, windowMs: 0 });

    for (const m of messages(3)) g.add(m, T0);

    expect(g.isReady(T0)).toBe(true);
    expect(ids(g.take().batch)).toEqual(['m1', 'm2', 'm3']);
  });

  it('with a window, gathers several receives until the window, counted from the first message, has passed', () => {
    // Arrange: 3 messages at T0 in a 2 s window
    const g = gatherer({ batchSize: 10, windowMs: 2000 });
    for (const m of messages(3)) g.add(m, T0);

    // Act + Assert: the next receive waits out what is left of the window, in whole seconds
    expect(g.isReady(T0 + 500)).toBe(false);
    expect(g.nextReceive(T0 + 500)).toEqual({ maxMessages: 7, waitSeconds: 2 });
    for (const m of messages(2, 4)) g.add(m, T0 + 800);
    expect(g.nextReceive(T0 + 1500)).toEqual({ maxMessages: 5, waitSeconds: 1 });
    expect(g.isReady(T0 + 1999)).toBe(false);
    expect(g.isReady(T0 + 2000)).toBe(true);
    expect(ids(g.take().batch)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('is ready as soon as BatchSize is reached, before the window ends, and keeps later messages for the next batch', () => {
    const g = gatherer({ batchSize: 25, windowMs: 60_000 });

    for (const m of messages(10)) g.add(m, T0);
    for (const m of messages(10, 11)) g.add(m, T0 + 10);
    expect(g.isReady(T0 + 20)).toBe(false);
    expect(g.nextReceive(T0 + 20).maxMessages).toBe(5);
    for (const m of messages(7, 21)) g.add(m, T0 + 30);

    expect(g.isReady(T0 + 30)).toBe(true);
    const { batch, carried } = g.take();
    expect(batch).toHaveLength(25);
    expect(ids(carried)).toEqual(['m26', 'm27']);
  });

  it('never waits on an empty window: a message that would pass 6 MB waits for the next batch, which it starts', () => {
    // Arrange: two messages of 2.5 MB fit; a third would pass 6 MB
    const mb = 1024 * 1024;
    const g = gatherer({ batchSize: 100, windowMs: 60_000 });
    g.add(sized('a', 2.5 * mb), T0);
    g.add(sized('b', 2.5 * mb), T0);
    expect(g.isReady(T0)).toBe(false);

    // Act
    g.add(sized('c', 2.5 * mb), T0);
    g.add(sized('d', 10), T0); // small, but it must not overtake c

    // Assert
    expect(g.isReady(T0)).toBe(true);
    const { batch, carried } = g.take();
    expect(ids(batch)).toEqual(['a', 'b']);
    expect(ids(carried)).toEqual(['c', 'd']);
    const next = gatherer({ batchSize: 100, windowMs: 60_000 }, carried);
    expect(next.size).toBe(2);
    expect(ids(next.take().batch)).toEqual(['c', 'd']);
  });

  it('counts the event envelope and the commas between records against 6 MB', () => {
    // {"Records":[a,b]}: 14 bytes of envelope, one comma
    const limit = 14 + 100 + 1 + 100;
    const fits = gatherer({ batchSize: 10, windowMs: 60_000, maxPayloadBytes: limit });
    fits.add(sized('a', 100), T0);
    fits.add(sized('b', 100), T0);
    expect(fits.size).toBe(2);

    const over = gatherer({ batchSize: 10, windowMs: 60_000, maxPayloadBytes: limit - 1 });
    over.add(sized('a', 100), T0);
    over.add(sized('b', 100), T0);
    expect(over.size).toBe(1);
  });

  it('applies new limits to the batch it holds: what a smaller BatchSize no longer fits waits, in order, for the next batch', () => {
    const g = gatherer({ batchSize: 10, windowMs: 5000 });
    for (const m of messages(5)) g.add(m, T0);

    g.retarget({ batchSize: 2, windowMs: 5000, maxPayloadBytes: MAX_PAYLOAD_BYTES });

    expect(g.isReady(T0)).toBe(true);
    const { batch, carried } = g.take();
    expect(ids(batch)).toEqual(['m1', 'm2']);
    expect(ids(carried)).toEqual(['m3', 'm4', 'm5']);
  });

  it('keeps the window running from the first message when the limits change', () => {
    const g = gatherer({ batchSize: 10, windowMs: 5000 });
    g.add(queueMessage('m1'), T0);

    g.retarget({ batchSize: 20, windowMs: 2000, maxPayloadBytes: MAX_PAYLOAD_BYTES });

    expect(g.isReady(T0 + 1999)).toBe(false);
    expect(g.isReady(T0 + 2000)).toBe(true);
  });

  it('sends a lone message over the cap alone rather than never', () => {
    const g = gatherer({ batchSize: 10, windowMs: 60_000, maxPayloadBytes: 50 });

    g.add(sized('big', 500), T0);
    g.add(sized('next', 5), T0);

    expect(g.isReady(T0)).toBe(true);
    expect(ids(g.take().batch)).toEqual(['big']);
  });
});
