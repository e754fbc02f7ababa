import type { Redis } from 'ioredis';
import { ASYNC_INVOCATION_QUEUE } from '../queue/async-invocation-job.js';
import { DEAD_LETTER_REPLAY_QUEUE } from '../queue/dead-letter-replay-queue.js';
import { QUEUE_BATCH_QUEUE } from '../queue/queue-batch-job.js';
import { STREAM_BATCH_QUEUE } from '../queue/stream-batch-job.js';
import { globLiteral, scanKeys } from './redis-connection.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * The key layout this build writes (redis-keys.ts). Layout 1 kept every key under one hash tag
 * `{p}`; layout 2 gives leases, windows, dead letters and each BullMQ queue tags of their own so
 * that the state spreads over a Redis Cluster's slots. Registry keys kept their names.
 */
export const KEY_LAYOUT = '2';

export type KeyLayoutCheck = { readonly outcome: 'current' } | { readonly outcome: 'older'; readonly evidence: string };

/** Sluice refuses to run its pollers and workers on state it would not find (docs/redis-cluster.md). */
export class OlderKeyLayoutError extends Error {
  readonly code = 'OLDER_KEY_LAYOUT';
  readonly retryable = false;

  constructor(
    readonly installation: string,
    readonly evidence: string,
  ) {
    super(
      `Redis holds installation '${installation}' in Sluice's older key layout (found ${evidence}): this build would not see its checkpoints ` +
        `and would restart every mapping from its StartingPosition. Move the keys (docs/redis-cluster.md, "Upgrading from the single-slot layout"), ` +
        `or set SLUICE_KEY_LAYOUT_RESET=1 to start over from each mapping's StartingPosition.`,
    );
    this.name = 'OlderKeyLayoutError';
  }
}

/**
 * Which layout the installation's keys are in. The layout marker answers at once; without it, the
 * older layout's lease indexes and queue metadata are looked for (`{p}:lease-keys:*`, `{p}:<queue>:meta`)
 * and, when there are none, the marker is written: from here on every key is this layout's.
 * `reset` (SLUICE_KEY_LAYOUT_RESET) writes the marker whatever is found.
 */
export async function checkKeyLayout(redis: Redis, keys: RedisKeys, reset: boolean): Promise<KeyLayoutCheck> {
  const marker = keys.key('key-layout');
  if ((await redis.get(marker)) === KEY_LAYOUT) return { outcome: 'current' };
  const evidence = reset ? undefined : await olderLayoutEvidence(redis, keys.installation);
  if (evidence !== undefined) return { outcome: 'older', evidence };
  await redis.set(marker, KEY_LAYOUT);
  return { outcome: 'current' };
}

async function olderLayoutEvidence(redis: Redis, installation: string): Promise<string | undefined> {
  const root = `{${installation}}`;
  for (const queue of [STREAM_BATCH_QUEUE, QUEUE_BATCH_QUEUE, ASYNC_INVOCATION_QUEUE, DEAD_LETTER_REPLAY_QUEUE]) {
    const meta = `${root}:${queue}:meta`;
    if ((await redis.exists(meta)) === 1) return meta;
  }
  for await (const { keys } of scanKeys(redis, `${globLiteral(root)}:lease-keys:*`)) return keys[0];
  return undefined;
}
