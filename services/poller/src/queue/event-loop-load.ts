import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How busy this process's event loop was (0 idle .. 1 never idle) since the probe was last read. */
export type LoadProbe = () => number;

/**
 * A probe over Node's event loop utilization (the share of time the loop was running callbacks,
 * not waiting for I/O): every receive loop, batch dispatch and SQS call of a poller process runs
 * on that one thread, so a loop near 1 means the process has no time left for another poller.
 * Each probe keeps its own last reading. https://nodejs.org/api/perf_hooks.html#performanceeventlooputilizationutilization1-utilization2
 */
export function createEventLoopProbe(): LoadProbe {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, last);
    last = now;
    return since.utilization;
  };
}
