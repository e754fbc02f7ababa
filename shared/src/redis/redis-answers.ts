import type { Redis } from 'ioredis';

/**
 * Whether Redis answers PING on `redis` within `timeoutMs`: a readiness probe must answer, not wait
 * (half a second by default, well inside a prober's usual 1 s timeout). A connection that is not
 * ready says no at once: its commands would wait in ioredis' offline queue through several
 * reconnects (about 20 s with maxRetriesPerRequest 3) before they failed.
 */
export async function redisAnswers(redis: Redis, timeoutMs = 500): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, false);
  });
  try {
    return await Promise.race([redis.ping().then((reply) => reply === 'PONG', () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}
