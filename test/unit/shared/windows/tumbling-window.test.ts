import { describe, expect, it } from 'vitest';
import { windowIsoTime, windowStartMs } from '@sluice/shared';

// Lambda cuts tumbling windows by the records' arrival time; its example event shows a 120 s window
// from 2020-12-09T07:04:00Z to 07:06:00Z: aligned on multiples of the size since the epoch.
// https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
describe('windowStartMs', () => {
  const at = (iso: string) => Date.parse(iso);

  it('puts a record in the window starting at floor(arrival / size) * size (the AWS example: 07:04:00 to 07:06:00 for 120 s)', () => {
    expect(windowStartMs(at('2020-12-09T07:04:00.000Z'), 120)).toBe(at('2020-12-09T07:04:00.000Z'));
    expect(windowStartMs(at('2020-12-09T07:05:59.999Z'), 120)).toBe(at('2020-12-09T07:04:00.000Z'));
    expect(windowStartMs(at('2020-12-09T07:06:00.000Z'), 120)).toBe(at('2020-12-09T07:06:00.000Z'));
  });

  it('aligns every size from 1 s to 900 s on the epoch, the end exclusive', () => {
    for (const size of [1, 2, 7, 60, 900]) {
      const arrival = 1_700_000_123_456;
      const start = windowStartMs(arrival, size);
      expect(start % (size * 1000)).toBe(0);
      expect(start).toBeLessThanOrEqual(arrival);
      expect(arrival).toBeLessThan(start + size * 1000);
    }
  });
});

describe('windowIsoTime', () => {
  it('writes whole seconds as AWS does in window.start/end ("2020-12-09T07:04:00Z")', () => {
    expect(windowIsoTime(Date.parse('2020-12-09T07:04:00Z'))).toBe('2020-12-09T07:04:00Z');
  });

  it('keeps milliseconds when an instant has them', () => {
    expect(windowIsoTime(Date.parse('2020-12-09T07:04:00.250Z'))).toBe('2020-12-09T07:04:00.250Z');
  });
});
