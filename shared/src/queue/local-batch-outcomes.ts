import { EventEmitter } from 'node:events';
import type { BatchOutcome } from './stream-batch-job.js';

/** A wait for one job's outcome; `cancel` stops listening once the outcome came another way. */
export interface LocalOutcomeWait<Outcome = BatchOutcome> {
  readonly outcome: Promise<Outcome>;
  cancel(): void;
}

/**
 * Outcomes of batch jobs (stream and queue batches) that a worker in this process has finished, announced as the worker
 * finishes each (BullMQ has stored the job as completed by then, so the outcome is final). When the
 * poller and worker roles share a process (`sluice start --role all`, `sluice dev`), the poller
 * hears here that a lane's batch is done a Redis round trip (the event stream's XADD and XREAD)
 * before its QueueEvents does, and cuts the lane's next batch that much sooner. Batches that a
 * worker in another process runs are heard of through QueueEvents only, which the dispatcher
 * always listens to as well.
 */
export class LocalBatchOutcomes {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  /** A local worker finished job `jobId` (of the stream or the queue batch queue: ids differ) with `outcome`. */
  announce(jobId: string, outcome: unknown): void {
    this.emitter.emit(jobId, outcome);
  }

  /** Waits for a local worker to announce `jobId`'s outcome; listen before adding the job, so none is missed. */
  wait<Outcome = BatchOutcome>(jobId: string): LocalOutcomeWait<Outcome> {
    let listener: ((outcome: Outcome) => void) | undefined;
    const outcome = new Promise<Outcome>((resolve) => {
      listener = resolve;
      this.emitter.once(jobId, resolve);
    });
    return { outcome, cancel: () => this.emitter.removeListener(jobId, listener!) };
  }
}
