import { processCpuSeconds, sleep } from './report.js';

/**
 * Waits until every process in `pids` has been quiet (at most one clock tick, 10 ms, of CPU) for a
 * whole `windowMs`, or `timeoutMs` passed; returns how long it waited (ms).
 *
 * Why: kinesis-local keeps working for a few hundred ms after it answered a large drain (its
 * first DescribeStreamSummary after a 10,000-record raw drain took 280-600 ms instead of 5-20 ms).
 * Started right away, the next timed run would pay for the previous one's aftermath.
 */
export async function waitUntilQuiet(pids: readonly number[], windowMs = 200, timeoutMs = 5_000): Promise<number> {
  const started = performance.now();
  let before = pids.map(processCpuSeconds);
  while (performance.now() - started < timeoutMs) {
    await sleep(windowMs);
    const after = pids.map(processCpuSeconds);
    if (after.every((cpu, i) => cpu - before[i]! <= 0.01)) break;
    before = after;
  }
  return performance.now() - started;
}
