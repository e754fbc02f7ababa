import { describe, expect, it } from 'vitest';
import { bufferCap, nextReadLimit } from '../../../../../services/poller/src/consumer/read-budget.js';

const base = { batchSize: 100, lanes: 1, pending: 0, firstRead: false, atTip: false, readIntervalMs: 20 };

describe('nextReadLimit', () => {
  it('asks for two batches per lane (at least 200 records) on the first read, then for the free room', () => {
    expect(nextReadLimit({ ...base, firstRead: true })).toBe(200);
    expect(nextReadLimit({ ...base, firstRead: true, lanes: 3 })).toBe(600);
    expect(nextReadLimit({ ...base, firstRead: true, batchSize: 10 })).toBe(200);
    expect(nextReadLimit({ ...base, pending: 200 })).toBe(800);
  });

  it('with reads paced far apart (2.5 a second: 400 ms), the first read takes the whole room', () => {
    expect(nextReadLimit({ ...base, firstRead: true, readIntervalMs: 400 })).toBe(1000);
    expect(nextReadLimit({ ...base, firstRead: true, readIntervalMs: 100 })).toBe(200);
  });

  it('never asks for more than the buffer has room for', () => {
    expect(nextReadLimit({ ...base, batchSize: 1000, firstRead: true })).toBe(bufferCap(1000, 1));
    expect(bufferCap(100, 1)).toBe(1000);
    expect(bufferCap(1000, 2)).toBe(4000);
  });

  it('waits until half the buffer is free', () => {
    expect(nextReadLimit({ ...base, pending: 501 })).toBe(0);
    expect(nextReadLimit({ ...base, pending: 500 })).toBe(500);
  });

  it('at the tip, waits while the lanes still hold two batches each, and reads once they hold less', () => {
    expect(nextReadLimit({ ...base, atTip: true, pending: 200 })).toBe(0);
    expect(nextReadLimit({ ...base, atTip: true, pending: 199 })).toBe(801);
    expect(nextReadLimit({ ...base, atTip: true, pending: 0 })).toBe(1000);
    expect(nextReadLimit({ ...base, atTip: false, pending: 300 })).toBe(700);
  });
});
