import { Redis } from 'ioredis';

/**
 * One ioredis connection; BullMQ needs maxRetriesPerRequest null on the connections it uses.
 * Auto-pipelining (on unless `autoPipelining: false`) gathers the commands of one event-loop turn
 * into one write, but holds each command until setImmediate: a latency-bound caller that sends one
 * command at a time and waits for it (a BullMQ worker between jobs) pays that hop on every command.
 */
export function createRedis(url: string, options: { forBullmq?: boolean; autoPipelining?: boolean } = {}): Redis {
  return new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: options.forBullmq ? null : 3,
    enableAutoPipelining: options.autoPipelining ?? true,
  });
}
