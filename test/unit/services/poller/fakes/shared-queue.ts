import { streamBatchJobId, type StreamBatchJob } from '@sluice/shared';
import type { Dispatcher, DispatchResult } from '../../../../../services/poller/src/dispatch/dispatcher.js';

interface QueuedJob {
  readonly job: StreamBatchJob;
  readonly finished: Promise<void>;
  release: () => void;
}

/**
 * A queue shared by both owners, as BullMQ is: a job id added again finds the job already there
 * (added once, run once) and awaits its outcome. Jobs of `held` first sequence numbers run until
 * released; the others finish at once. Owners that stop (abort) stop waiting, the job runs on.
 */
export class SharedQueue {
  readonly added: StreamBatchJob[] = [];
  readonly dispatchedIds: string[] = [];
  /** Start (added) and end of every job, in one sequence. */
  readonly events: { kind: 'start' | 'end'; job: StreamBatchJob }[] = [];
  readonly jobs = new Map<string, QueuedJob>();
  readonly held = new Set<string>();

  dispatcher(): Dispatcher {
    return { dispatch: (job, signal) => this.dispatch(job, signal) };
  }

  release(firstSequenceNumber: string): void {
    for (const queued of this.jobs.values()) if (queued.job.firstSequenceNumber === firstSequenceNumber) queued.release();
  }

  private async dispatch(job: StreamBatchJob, signal: AbortSignal): Promise<DispatchResult> {
    const id = streamBatchJobId(job);
    this.dispatchedIds.push(id);
    let queued = this.jobs.get(id);
    if (queued === undefined) {
      let release = () => undefined as void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const finished = (this.held.has(job.firstSequenceNumber) ? gate : Promise.resolve()).then(() => {
        this.events.push({ kind: 'end', job });
      });
      queued = { job, finished, release };
      this.jobs.set(id, queued);
      this.added.push(job);
      this.events.push({ kind: 'start', job });
    }
    let onAbort = () => undefined as void;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([queued.finished, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    // The job found under the id is the batch processed (it may end elsewhere than the one offered).
    return { outcome: { status: 'succeeded', invocations: 1 }, lastSequenceNumber: queued.job.lastSequenceNumber };
  }
}
