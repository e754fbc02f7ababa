import type { QueueEvents } from 'bullmq';
import { addStreamBatch, streamBatchJobId, type BatchOutcome, type LocalBatchOutcomes, type StreamBatchJob, type StreamBatchQueue } from '@sluice/shared';
import { addAndAwait } from './add-and-await.js';
import type { Dispatcher, DispatchResult } from './dispatcher.js';

/**
 * Dispatch through BullMQ: add the batch under its deterministic id (or find the job a previous
 * owner of the shard added) and wait for its final outcome. Retries happen in the worker, inside
 * the job; this resolves once, when the batch succeeded or was discarded.
 *
 * The job found under the id is the batch actually processed (after a takeover it may end at
 * another sequence number than the one offered: enqueueStreamBatch). The worker names that batch's
 * last sequence number in the outcome, so the job (its 100 records) is not read back and parsed
 * once more per batch; only an outcome without it (a worker of an earlier build) is followed by a
 * read of the stored job.
 *
 * With a worker in this process (`local`), the outcome it announces counts as soon as it comes,
 * one Redis round trip before the same news on the queue's event stream.
 */
export class BullmqDispatcher implements Dispatcher {
  constructor(
    private readonly queue: StreamBatchQueue,
    private readonly events: QueueEvents,
    private readonly local?: LocalBatchOutcomes,
  ) {}

  async dispatch(job: StreamBatchJob, signal: AbortSignal, onProblem?: (problem: string) => void): Promise<DispatchResult> {
    const jobId = streamBatchJobId(job);
    const outcome = await addAndAwait<BatchOutcome>(() => addStreamBatch(this.queue, job, jobId), jobId, this.events, this.local, signal, onProblem);
    if (outcome.lastSequenceNumber !== undefined) return { outcome, lastSequenceNumber: outcome.lastSequenceNumber };
    // Only gone if it finished and aged out in between: then it was the batch offered.
    const stored = await this.queue.getJob(jobId);
    return { outcome, lastSequenceNumber: stored?.data.lastSequenceNumber ?? job.lastSequenceNumber };
  }
}
