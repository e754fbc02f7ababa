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

/**
 * Adds a job under an id no job ever had (a queue batch's random id) and waits for its outcome.
 * The completion is listened for on the queue's event stream before the job exists, so it cannot
 * be missed, and the check BullMQ's waitUntilFinished makes for a job that finished before the
 * wait began (one more Redis script per batch) is not needed.
 */
export async function addNewAndAwait<Outcome>(
  add: () => Promise<unknown>,
  jobId: string,
  events: QueueEvents,
  local: LocalBatchOutcomes | undefined,
  signal: AbortSignal,
): Promise<Outcome> {
  signal.throwIfAborted();
  const announced = local?.wait<Outcome>(jobId);
  let cleanUp = () => undefined as void;
  const viaEvents = new Promise<Outcome>((resolve, reject) => {
    const onCompleted = (args: { returnvalue: unknown }) => resolve(args.returnvalue as Outcome);
    const onFailed = (args: { failedReason?: string }) => reject(new Error(args.failedReason ?? `job ${jobId} failed`));
    const onAbort = () => reject(signal.reason);
    // BullMQ's QueueEvents emits `<event>:<jobId>` too (what Job.waitUntilFinished listens to); its typings name only the plain events.
    const emitter = events as unknown as NodeJS.EventEmitter;
    emitter.on(`completed:${jobId}`, onCompleted);
    emitter.on(`failed:${jobId}`, onFailed);
    signal.addEventListener('abort', onAbort, { once: true });
    cleanUp = () => {
      emitter.removeListener(`completed:${jobId}`, onCompleted);
      emitter.removeListener(`failed:${jobId}`, onFailed);
      signal.removeEventListener('abort', onAbort);
    };
  });
  try {
    await add();
    return await (announced === undefined ? viaEvents : Promise.race([viaEvents, announced.outcome]));
  } finally {
    cleanUp();
    announced?.cancel();
    viaEvents.catch(() => undefined);
  }
}
