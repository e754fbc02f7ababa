import { describe, expect, it } from 'vitest';
import { QueueScaler } from '../../../../../services/poller/src/queue/queue-scaler.js';

/** A scaler on a clock the test moves. */
function setup(limit = 1250) {
  const clock = { now: 1_000_000 };
  /** The event loop load the next growth step reads. */
  const load = { value: 0, reads: 0 };
  const scaler = new QueueScaler(limit, () => clock.now, () => {
    load.reads += 1;
    return load.value;
  });
  return { scaler, clock, load };
}

// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html: "Lambda starts processing
// five batches at a time with five concurrent invocations ... increases ... by up to 300 more
// concurrent invokes per minute".
describe('QueueScaler', () => {
  it('runs one long-polling loop while the queue is idle', () => {
    const { scaler } = setup();

    scaler.onReceive(0, 10, 1);

    expect(scaler.desired).toBe(1);
  });

  it('wants five loops at the first full receive, and does not grow on a receive that was not full', () => {
    const { scaler } = setup();

    scaler.onReceive(3, 10, 1);
    expect(scaler.desired).toBe(1);
    scaler.onReceive(10, 10, 1);
    expect(scaler.desired).toBe(5);
  });

  it('adds one loop per full receive past five', () => {
    const { scaler, clock } = setup();
    scaler.onReceive(10, 10, 1);

    clock.now += 1000;
    scaler.onReceive(10, 10, 5);

    expect(scaler.desired).toBe(6);
  });

  it('adds at most 300 loops in any minute past the first five, however many receives come back full', () => {
    // Arrange: at five, then a full receive every 10 ms for two minutes
    const { scaler, clock } = setup();
    scaler.onReceive(10, 10, 1);
    const desiredAt: number[] = [];

    // Act
    for (let ms = 0; ms <= 120_000; ms += 10) {
      clock.now = 1_000_000 + ms;
      scaler.onReceive(10, 10, scaler.desired);
      if (ms % 60_000 === 0 || ms === 59_990) desiredAt.push(scaler.desired);
    }

    // Assert: [t=0, t=59.99 s, t=60 s, t=120 s]
    const [atStart, justBeforeMinute, atMinute, atTwoMinutes] = desiredAt as [number, number, number, number];
    expect(justBeforeMinute - atStart).toBeLessThanOrEqual(300);
    expect(atTwoMinutes - atMinute).toBeLessThanOrEqual(300);
    // It does grow at about that pace: no slower than 290 a minute.
    expect(atTwoMinutes - atMinute).toBeGreaterThanOrEqual(290);
  });

  it('holds growth past five while the process\'s event loop is saturated, and grows again once it is not', () => {
    // Arrange: at five, the process CPU-bound
    const { scaler, clock, load } = setup();
    scaler.onReceive(10, 10, 1);
    load.value = 0.95;

    // Act: full receives for two seconds (ten growth steps' worth)
    for (let ms = 200; ms <= 2000; ms += 10) {
      clock.now = 1_000_000 + ms;
      scaler.onReceive(10, 10, scaler.desired);
    }
    const whileSaturated = scaler.desired;
    const readsWhileSaturated = load.reads;
    load.value = 0.5;
    clock.now += 200;
    scaler.onReceive(10, 10, scaler.desired);

    // Assert: held at five, read once per 200 ms step (not per receive), then one more
    expect(whileSaturated).toBe(5);
    expect(readsWhileSaturated).toBe(10);
    expect(scaler.desired).toBe(6);
  });

  it('reaches Lambda\'s first five at once even when the process is saturated', () => {
    const { scaler, load } = setup();
    load.value = 1;

    scaler.onReceive(10, 10, 1);

    expect(scaler.desired).toBe(5);
    expect(load.reads).toBe(0);
  });

  it('retires one loop per empty receive, down to one', () => {
    const { scaler } = setup();
    scaler.onReceive(10, 10, 1);

    const retire = [5, 4, 3, 2, 1, 1].map((loops) => scaler.onReceive(0, 10, loops));

    expect(retire).toEqual([true, true, true, true, false, false]);
    expect(scaler.desired).toBe(1);
  });

  it('stays within its limit (MaximumConcurrency or the process cap), also when the limit drops', () => {
    const { scaler, clock } = setup(3);

    scaler.onReceive(10, 10, 1);
    expect(scaler.desired).toBe(3);
    clock.now += 60_000;
    scaler.onReceive(10, 10, 3);
    expect(scaler.desired).toBe(3);

    scaler.setLimit(2);
    expect(scaler.desired).toBe(2);
    expect(scaler.onReceive(10, 10, 3)).toBe(true);
  });

  it('wants one loop fewer than run when every MaximumConcurrency slot is taken', () => {
    const { scaler } = setup();
    scaler.onReceive(10, 10, 1);

    expect(scaler.onThrottled(5)).toBe(true);
    expect(scaler.desired).toBe(4);
  });
});
