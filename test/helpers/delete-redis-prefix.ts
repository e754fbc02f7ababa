import { Redis } from 'ioredis';

/**
 * Deletes every key a Sluice installation with this SLUICE_REDIS_PREFIX wrote (they all start with
 * `{prefix}` or `{prefix:`, see shared/src/redis/redis-keys.ts), so a test leaves the shared Redis as it found it.
 * Never FLUSHALL: other runs and developers use the same Redis.
 */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    // Glob-escape the prefix: test names carry `-` only, but `[`, `?` and `*` would match more.
    const pattern = `{${prefix.replace(/[*?[\]\\]/g, '\\$&')}[}:]*`;
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
