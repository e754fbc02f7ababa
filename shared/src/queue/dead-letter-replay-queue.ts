import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RedisKeys } from '../redis/redis-keys.js';

/** The BullMQ queue on which the API asks workers to replay dead letters. */
export const DEAD_LETTER_REPLAY_QUEUE = 'dead-letter-replays';

/** A replay job names the dead letter only; the worker reads the entry when it runs. */
export const deadLetterReplayJobSchema = z.object({ id: z.string() });

export type DeadLetterReplayJob = z.infer<typeof deadLetterReplayJobSchema>;

/** How a replay ended: the entry was removed (replayed), kept (the function failed again), or gone. */
export type DeadLetterReplayOutcome = { readonly status: 'replayed' | 'failed' | 'missing'; readonly error?: string };

export type DeadLetterReplayQueue = Queue<DeadLetterReplayJob, DeadLetterReplayOutcome>;

/**
 * The replay queue under the installation's prefix. The job id is the dead letter's id, so a
 * second request while one replay is queued or running adds nothing; finished jobs are removed
 * at once (the entry itself records how a replay went) so the next request can replay again.
 */
export function createDeadLetterReplayQueue(connection: Redis, keys: RedisKeys): DeadLetterReplayQueue {
  return new Queue<DeadLetterReplayJob, DeadLetterReplayOutcome>(DEAD_LETTER_REPLAY_QUEUE, {
    connection,
    prefix: keys.queuePrefix(DEAD_LETTER_REPLAY_QUEUE),
    defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: true },
  });
}

/** Queues one replay of a dead letter. */
export async function enqueueDeadLetterReplay(queue: DeadLetterReplayQueue, id: string): Promise<void> {
  await queue.add(DEAD_LETTER_REPLAY_QUEUE, { id }, { jobId: id });
}
