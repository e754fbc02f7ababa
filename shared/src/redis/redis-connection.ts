import { Redis } from 'ioredis';

/** One ioredis connection; BullMQ needs maxRetriesPerRequest null on the connections it uses. */
export function createRedis(url: string, options: { forBullmq?: boolean } = {}): Redis {
  return new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: options.forBullmq ? null : 3,
    enableAutoPipelining: true,
  });
}
