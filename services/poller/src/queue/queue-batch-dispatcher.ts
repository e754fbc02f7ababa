import { randomUUID } from 'node:crypto';
import type { QueueEvents } from 'bullmq';
import { QUEUE_BATCH_QUEUE, type LocalBatchOutcomes, type QueueBatchJob, type QueueBatchOutcome, type QueueBatchQueue } from '@sluice/shared';
import { addNewAndAwait } from '../dispatch/add-and-await.js';

/** Hands a queue batch to the workers and waits for its outcome (the seam to BullMQ). */
export interface QueueBatchDispatcher {
  dispatch(job: QueueBatchJob, signal: AbortSignal): Promise<QueueBatchOutcome>;
}

/**
 * Dispatch through BullMQ's queue-batches queue. Each batch gets a new job id: a batch that comes
 * back (its messages visible again after a crash) is a new receive with new receipt handles, and
 * is a new batch, as on Lambda.
 */
export class BullmqQueueBatchDispatcher implements QueueBatchDispatcher {
  constructor(
    private readonly queue: QueueBatchQueue,
    private readonly events: QueueEvents,
    private readonly local?: LocalBatchOutcomes,
  ) {}

  dispatch(job: QueueBatchJob, signal: AbortSignal): Promise<QueueBatchOutcome> {
    const jobId = `${job.mappingId}.${randomUUID()}`;
    return addNewAndAwait<QueueBatchOutcome>(() => this.queue.add(QUEUE_BATCH_QUEUE, job, { jobId }), jobId, this.events, this.local, signal);
  }
}
