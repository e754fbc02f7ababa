import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@sluice/shared';
import { VisibilityKeeper } from '../../../../../services/poller/src/queue/visibility-keeper.js';
import { FakeQueueSource } from '../fakes/fake-queue-source.js';

const logger = createLogger({ level: 'silent' });

describe('VisibilityKeeper', () => {
  beforeEach(() => void vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => void vi.useRealTimers());

  async function received(source: FakeQueueSource, bodies: string[]) {
    source.send(bodies);
    return source.receive({ maxMessages: 10, waitSeconds: 0 });
  }

  it('keeps held messages invisible past the visibility timeout, for as long as they are held', async () => {
    // Arrange: a 2 s visibility timeout
    const source = new FakeQueueSource(2);
    const keeper = new VisibilityKeeper(source, () => 2, logger);
    const messages = await received(source, ['a', 'b']);

    // Act: held for 10 s
    keeper.hold(messages);
    await vi.advanceTimersByTimeAsync(10_000);

    // Assert
    expect(source.depth()).toEqual({ visible: 0, inFlight: 2 });
    keeper.stop();
  });

  it('stops extending released messages: they come back after the visibility timeout', async () => {
    const source = new FakeQueueSource(2);
    const keeper = new VisibilityKeeper(source, () => 2, logger);
    const [a, b] = await received(source, ['a', 'b']);
    keeper.hold([a!, b!]);

    keeper.release([a!]);
    await vi.advanceTimersByTimeAsync(4000);

    expect(source.depth()).toEqual({ visible: 1, inFlight: 1 });
    expect(keeper.size).toBe(1);
    keeper.release([b!]);
    await vi.advanceTimersByTimeAsync(4000);
    expect(source.depth()).toEqual({ visible: 2, inFlight: 0 });
  });

  it("follows a shorter visibility timeout read while it holds messages (the queue's attributes changed)", async () => {
    // Arrange: messages held under a 30 s timeout, then the queue's timeout is read as 2 s
    let timeout = 30;
    const source = new FakeQueueSource(30);
    const keeper = new VisibilityKeeper(source, () => timeout, logger);
    keeper.hold(await received(source, ['old']));
    timeout = 2;

    // Act: a message received under the new timeout
    source.send(['new']);
    keeper.hold(await source.receive({ maxMessages: 1, waitSeconds: 0, visibilityTimeoutSeconds: 2 }));
    await vi.advanceTimersByTimeAsync(3000);

    // Assert: still invisible after its 2 s
    expect(source.depth()).toEqual({ visible: 0, inFlight: 2 });
    keeper.stop();
  });

  it('extends nothing once stopped, also when stopped during an extension', async () => {
    const source = new FakeQueueSource(2);
    const keeper = new VisibilityKeeper(source, () => 2, logger);
    const change = source.changeVisibility.bind(source);
    let calls = 0;
    source.changeVisibility = async (m, seconds) => {
      calls += 1;
      keeper.stop();
      return change(m, seconds);
    };
    keeper.hold(await received(source, ['a']));

    await vi.advanceTimersByTimeAsync(10_000);

    expect(calls).toBe(1);
    expect(source.depth()).toEqual({ visible: 1, inFlight: 0 });
  });

  it('tries a failed extension again at its next check', async () => {
    const source = new FakeQueueSource(2);
    const keeper = new VisibilityKeeper(source, () => 2, logger);
    const messages = await received(source, ['a']);
    const change = source.changeVisibility.bind(source);
    let failures = 1;
    source.changeVisibility = async (m, seconds) => {
      if (failures-- > 0) throw new Error('SQS unavailable');
      return change(m, seconds);
    };

    keeper.hold(messages);
    await vi.advanceTimersByTimeAsync(10_000);

    expect(source.depth()).toEqual({ visible: 0, inFlight: 1 });
    keeper.stop();
  });
});
