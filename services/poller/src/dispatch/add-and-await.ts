import type { Job, QueueEvents } from 'bullmq';
import { awaitBatchOutcome, type LocalBatchOutcomes } from '@sluice/shared';

/** What a job's own events on the queue's event stream tell a waiter. */
interface JobEventHandlers<Outcome> {
  readonly completed: (outcome: Outcome) => void;
  readonly failed: (error: Error) => void;
  /** The add found a job under the id already (a takeover re-adding a batch in flight or finished). */
  readonly duplicated?: () => void;
  /** The worker's updateProgress(data) while it works on the job (a retry's problem). */
  readonly progress?: (data: unknown) => void;
}

/**
 * Listens to one job's events (`<event>:<jobId>`, what Job.waitUntilFinished listens to; BullMQ's
 * typings name only the plain events) until the returned function is called.
 */
function onJobEvents<Outcome>(events: QueueEvents, jobId: string, handlers: JobEventHandlers<Outcome>): () => void {
  const emitter = events as unknown as NodeJS.EventEmitter;
  const listeners: [string, (args: Record<string, unknown>) => void][] = [
    [`completed:${jobId}`, (args) => handlers.completed(args.returnvalue as Outcome)],
    [`failed:${jobId}`, (args) => handlers.failed(new Error(typeof args.failedReason === 'string' ? args.failedReason : `job ${jobId} failed`))],
  ];
  const { duplicated, progress } = handlers;
  if (duplicated) listeners.push([`duplicated:${jobId}`, () => duplicated()]);
  if (progress) listeners.push([`progress:${jobId}`, (args) => progress(args.data)]);
  for (const [event, listener] of listeners) emitter.on(event, listener);
  return () => {
    for (const [event, listener] of listeners) emitter.removeListener(event, listener);
  };
}

/** The problem a stream batch's worker reports with updateProgress({ problem }) before a retry. */
function problemOf(data: unknown): string | undefined {
  const problem = typeof data === 'object' && data !== null ? (data as { problem?: unknown }).problem : undefined;
  return typeof problem === 'string' ? problem : undefined;
}

/**
 * Adds a job under a deterministic `jobId` and waits for its final outcome, from the queue's event
 * stream or, with a worker in this process (`local`), from that worker's announcement, whichever
 * comes first. Listening starts before the add: a local worker may finish the job before add()
 * returns. A job new under the id cannot have finished before we listened, so the check BullMQ's
 * waitUntilFinished makes for that (one Redis script per batch) is made only when the add found a
 * job under the id already (BullMQ's `duplicated` event: a takeover re-adding a batch in flight or
 * finished). `onProblem` hears each problem the worker reports while it retries the batch.
 */
export async function addAndAwait<Outcome>(
  add: () => Promise<Job<unknown, Outcome>>,
  jobId: string,
  events: QueueEvents,
  local: LocalBatchOutcomes | undefined,
  signal: AbortSignal,
  onProblem?: (problem: string) => void,
): Promise<Outcome> {
  signal.throwIfAborted();
  const announced = local?.wait<Outcome>(jobId);
  let markDuplicated = () => undefined as void;
  const duplicated = new Promise<void>((resolve) => (markDuplicated = resolve));
  let stopListening = () => undefined as void;
  const viaEvents = new Promise<Outcome>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const stop = onJobEvents<Outcome>(events, jobId, {
      completed: resolve,
      failed: reject,
      duplicated: () => markDuplicated(),
      progress: (data) => {
        const problem = problemOf(data);
        if (problem !== undefined) onProblem?.(problem);
      },
    });
    stopListening = () => {
      stop();
      signal.removeEventListener('abort', onAbort);
    };
  });
  // Handled from the start: an abort while add() still waits on Redis (an outage) rejects it before
  // anything awaits it, which would otherwise be an unhandled rejection and end the process.
  viaEvents.catch(() => undefined);
  try {
    const handle = await add();
    // The job was there before (its event may even come before add() returns): it may have finished
    // before we listened, which BullMQ's own check finds out.
    const viaCheck = duplicated.then(() => awaitBatchOutcome(handle, events, signal));
    viaCheck.catch(() => undefined);
    return await Promise.race([viaEvents, viaCheck, ...(announced === undefined ? [] : [announced.outcome])]);
  } finally {
    stopListening();
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
    const onAbort = () => reject(signal.reason);
    const stop = onJobEvents<Outcome>(events, jobId, { completed: resolve, failed: reject });
    signal.addEventListener('abort', onAbort, { once: true });
    cleanUp = () => {
      stop();
      signal.removeEventListener('abort', onAbort);
    };
  });
  viaEvents.catch(() => undefined); // as in addAndAwait: an abort during add() is no unhandled rejection
  try {
    await add();
    return await (announced === undefined ? viaEvents : Promise.race([viaEvents, announced.outcome]));
  } finally {
    cleanUp();
    announced?.cancel();
  }
}
