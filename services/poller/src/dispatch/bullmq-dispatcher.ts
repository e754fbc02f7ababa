import type { QueueEvents } from 'bullmq';
import { awaitBatchOutcome, enqueueStreamBatch, type StreamBatchJob, type StreamBatchQueue } from '@sluice/shared';
import type { Dispatcher, DispatchResult } from './dispatcher.js';

/**
 * Dispatch through BullMQ: add the batch under its deterministic id (or find the job a previous
 * owner of the shard added) and wait for its final outcome. Retries happen in the worker, inside
 * the job; this resolves once, when the batch succeeded or was discarded.
 */
export class BullmqDispatcher implements Dispatcher {
  constructor(
    private readonly queue: StreamBatchQueue,
    private readonly events: QueueEvents,
  ) {}

  async dispatch(job: StreamBatchJob, signal: AbortSignal): Promise<DispatchResult> {
    const handle = await enqueueStreamBatch(this.queue, job);
    const outcome = await awaitBatchOutcome(handle, this.events, signal);
    return { outcome, lastSequenceNumber: handle.data.lastSequenceNumber };
  }
}
