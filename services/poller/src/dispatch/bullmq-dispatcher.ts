import type { QueueEvents } from 'bullmq';
import { STREAM_BATCH_QUEUE, awaitBatchOutcome, streamBatchJobId, type StreamBatchJob, type StreamBatchQueue } from '@sluice/shared';
import type { Dispatcher, DispatchResult } from './dispatcher.js';

/**
 * Dispatch through BullMQ: add the batch under its deterministic id (or find the job a previous
 * owner of the shard added) and wait for its final outcome. Retries happen in the worker, inside
 * the job; this resolves once, when the batch succeeded or was discarded.
 *
 * The job found under the id is the batch actually processed (after a takeover it may end at
 * another sequence number than the one offered: enqueueStreamBatch). It is read back while the
 * batch runs rather than before: the lane waits for the outcome anyway, so that is one Redis
 * round trip fewer on the lane's path per batch.
 */
export class BullmqDispatcher implements Dispatcher {
  constructor(
    private readonly queue: StreamBatchQueue,
    private readonly events: QueueEvents,
  ) {}

  async dispatch(job: StreamBatchJob, signal: AbortSignal): Promise<DispatchResult> {
    const jobId = streamBatchJobId(job);
    const handle = await this.queue.add(STREAM_BATCH_QUEUE, job, { jobId });
    // Only gone if it finished and aged out in between: then it was the batch offered.
    const stored = this.queue.getJob(jobId).then((found) => found?.data ?? job);
    // Never awaited when the wait below is aborted: no unhandled rejection then.
    stored.catch(() => undefined);
    const outcome = await awaitBatchOutcome(handle, this.events, signal);
    return { outcome, lastSequenceNumber: (await stored).lastSequenceNumber };
  }
}
