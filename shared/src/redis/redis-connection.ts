import { Redis } from 'ioredis';
import type { RedisOutageLog } from './redis-outage-log.js';

export interface RedisConnectionOptions {
  /** BullMQ needs maxRetriesPerRequest null on the connections it uses. */
  readonly forBullmq?: boolean;
  readonly autoPipelining?: boolean;
  /** Where the faults of this connection and of its duplicates are logged, once per outage. */
  readonly outages?: RedisOutageLog;
}

/**
 * One ioredis connection; BullMQ needs maxRetriesPerRequest null on the connections it uses.
 * Auto-pipelining (on unless `autoPipelining: false`) gathers the commands of one event-loop turn
 * into one write, but holds each command until setImmediate: a latency-bound caller that sends one
 * command at a time and waits for it (a BullMQ worker between jobs) pays that hop on every command.
 * The connection and every duplicate of it (BullMQ duplicates the one it is given for its blocking
 * reads; ioredis' duplicate() copies options, not listeners) have an 'error' listener, without
 * which ioredis prints every failed reconnect to stderr: the outage log's, or a silent one (failed
 * commands still reject).
 */
export function createRedis(url: string, options: RedisConnectionOptions = {}): Redis {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: options.forBullmq ? null : 3,
    enableAutoPipelining: options.autoPipelining ?? true,
  });
  const listen = options.outages === undefined ? (r: Redis) => void r.on('error', ignore) : (r: Redis) => options.outages!.watch(r);
  return listenToDuplicates(redis, listen);
}

function listenToDuplicates(redis: Redis, listen: (redis: Redis) => void): Redis {
  listen(redis);
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = (override) => listenToDuplicates(duplicate(override), listen);
  return redis;
}

function ignore(): void {}
