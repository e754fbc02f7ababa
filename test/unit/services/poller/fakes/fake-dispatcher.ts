import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamBatchJob } from '@sluice/shared';
import type { Dispatcher, DispatchResult } from '../../../../../services/poller/src/dispatch/dispatcher.js';

/** Records every batch; each takes `delayMs`; `cover` can make a job cover fewer records (a takeover). */
export class FakeDispatcher implements Dispatcher {
  readonly jobs: StreamBatchJob[] = [];
  inFlight = 0;
  maxInFlight = 0;
  delayMs = 1;
  cover: ((job: StreamBatchJob) => string) | undefined;
  /** What the worker reports while it retries each batch (its failed attempts), before the outcome. */
  problems: string[] = [];

  async dispatch(job: StreamBatchJob, _signal?: AbortSignal, onProblem?: (problem: string) => void): Promise<DispatchResult> {
    this.jobs.push(job);
    for (const problem of this.problems) onProblem?.(problem);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await sleep(this.delayMs);
    this.inFlight -= 1;
    return { outcome: { status: 'succeeded', invocations: 1 }, lastSequenceNumber: this.cover?.(job) ?? job.lastSequenceNumber };
  }
}
