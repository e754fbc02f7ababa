import type { Job, QueueEvents } from 'bullmq';
import { awaitBatchOutcome, type LocalBatchOutcomes } from '@sluice/shared';

/**
 * Adds a job under `jobId` and waits for its final outcome, from the queue's event stream or,
 * with a worker in this process (`local`), from that worker's announcement, whichever comes
 * first. Listening starts before the add: a local worker may finish the job before add() returns.
 */
export async function addAndAwait<Outcome>(
  add: () => Promise<Job<unknown, Outcome>>,
  jobId: string,
  events: QueueEvents,
  local: LocalBatchOutcomes | undefined,
  signal: AbortSignal,
): Promise<Outcome> {
  const announced = local?.wait<Outcome>(jobId);
  try {
    const handle = await add();
    const viaEvents = awaitBatchOutcome(handle, events, signal);
    // After a local outcome won, race() still handles viaEvents' late settling (or abort).
    return announced === undefined ? await viaEvents : await Promise.race([viaEvents, announced.outcome]);
  } finally {
    announced?.cancel();
  }
}
