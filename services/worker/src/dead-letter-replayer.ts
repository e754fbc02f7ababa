import { randomUUID } from 'node:crypto';
import {
  deadLetterReplayJobSchema,
  type DeadLetterReplayOutcome,
  type DeadLetterStore,
  type FunctionStore,
  type Invoker,
  type Logger,
  type SluiceMetrics,
} from '@sluice/shared';

/** How much of a failed replay's answer the entry keeps. */
const MAX_REPLAY_ERROR_CHARS = 4096;

export interface DeadLetterReplayerDeps {
  readonly deadLetters: Pick<DeadLetterStore, 'get' | 'remove' | 'recordReplayFailure'>;
  readonly functions: Pick<FunctionStore, 'get'>;
  readonly invoker: Invoker;
  readonly logger: Logger;
  readonly metrics?: SluiceMetrics;
  readonly now?: () => number;
}

/**
 * The processor of the dead-letter replay queue: invokes the entry's function once with the parked
 * payload (a stream batch's `{"Records":[...]}`, or an asynchronous event as it was queued), synchronously. Success removes the entry; any failure (the function's, or ours: an
 * unreachable function, a function no longer registered) keeps it with replays+1 and lastReplay,
 * and the job ends without a BullMQ retry: whoever asked for the replay decides on the next one.
 */
export function createDeadLetterReplayer(deps: DeadLetterReplayerDeps) {
  const now = deps.now ?? Date.now;
  return async (job: { readonly id?: string | undefined; readonly data: unknown }, _token?: string, signal?: AbortSignal): Promise<DeadLetterReplayOutcome> => {
    const { id } = deadLetterReplayJobSchema.parse(job.data);
    const entry = await deps.deadLetters.get(id);
    if (entry === undefined) return { status: 'missing' };
    const log = deps.logger.child({ deadLetterId: id, mappingId: entry.mappingId });
    const error = await invokeOnce(entry.functionName, entry.payload, signal);
    if (error === undefined) {
      await deps.deadLetters.remove(id);
      deps.metrics?.deadLetters.inc({ mapping: entry.mappingId ?? '', outcome: 'replayed' });
      log.info({ function: entry.functionName }, 'dead letter replayed');
      return { status: 'replayed' };
    }
    await deps.deadLetters.recordReplayFailure(id, { at: now(), error });
    deps.metrics?.deadLetters.inc({ mapping: entry.mappingId ?? '', outcome: 'replay_failed' });
    log.warn({ function: entry.functionName, error }, 'dead letter replay failed');
    return { status: 'failed', error };
  };

  /** Invokes; returns undefined on success, else what went wrong. */
  async function invokeOnce(functionName: string, payload: unknown, signal: AbortSignal | undefined): Promise<string | undefined> {
    if (payload === undefined) return 'the parked payload was larger than 6 MB and was not kept; nothing to replay';
    try {
      const fn = await deps.functions.get(functionName);
      if (fn === undefined) return `function ${functionName} is not registered`;
      const result = await deps.invoker.invoke({ fn, payload: JSON.stringify(payload), requestId: randomUUID(), ...(signal ? { signal } : {}) });
      deps.metrics?.invocations.inc({ function: fn.name, outcome: result.functionError === undefined ? 'success' : 'function_error' });
      return result.functionError === undefined ? undefined : result.payload.slice(0, MAX_REPLAY_ERROR_CHARS);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
}
