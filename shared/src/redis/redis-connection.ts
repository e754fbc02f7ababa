import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisOutageLog } from './redis-outage-log.js';
import { parseRedisTarget, type RedisTarget } from './redis-target.js';

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
export function createRedis(target: RedisTarget | string, options: RedisConnectionOptions = {}): Redis {
  const redis = connect(typeof target === 'string' ? targetOf(target) : target, options);
  const listen = options.outages === undefined ? (r: Redis) => void r.on('error', ignore) : (r: Redis) => options.outages!.watch(r);
  return listenToDuplicates(redis, listen);
}

/**
 * ioredis' Cluster serves the same commands, scripts (defineCommand), pipelines, pub/sub and
 * duplicate() as a Redis connection, and BullMQ takes either, so the rest of Sluice holds it as a
 * Redis; the one thing that differs, a command that must reach every master (SCAN), goes through
 * mastersOf(). Every script and MULTI Sluice sends touches keys of one slot (redis-keys.ts).
 */
function connect(target: RedisTarget, options: RedisConnectionOptions): Redis {
  const perConnection = { maxRetriesPerRequest: options.forBullmq ? null : 3 } satisfies RedisOptions;
  const enableAutoPipelining = options.autoPipelining ?? true;
  switch (target.mode) {
    case 'single':
      return new Redis(target.url, { lazyConnect: false, ...perConnection, enableAutoPipelining });
    case 'cluster': {
      const redisOptions = { ...perConnection, ...target.auth, ...(target.tls ? { tls: {} } : {}) };
      // Off on a cluster: ioredis 6's auto-pipeline on a Cluster fails a turn whose commands reach
      // several slots ("All keys in the pipeline should belong to the same slots allocation group").
      return new Cluster([...target.nodes], { lazyConnect: false, enableAutoPipelining: false, redisOptions }) as unknown as Redis;
    }
    case 'sentinel':
      return new Redis({
        lazyConnect: false,
        ...perConnection,
        enableAutoPipelining,
        sentinels: [...target.sentinels],
        name: target.masterName,
        db: target.db,
        ...target.auth,
        ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
      });
  }
}

/** Every master of a cluster, or the one server: where a command that reads the whole keyspace (SCAN) must go. */
export function mastersOf(redis: Redis): Redis[] {
  return redis.isCluster ? (redis as unknown as Cluster).nodes('master') : [redis];
}

/** `text` as a literal in a SCAN MATCH pattern: Redis's glob characters escaped. */
export function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The keys matching `pattern`, a SCAN page at a time, with the server that holds them: on a Redis
 * Cluster every master's keyspace in turn (SCAN reads one server's), on one server its own.
 */
export async function* scanKeys(redis: Redis, pattern: string): AsyncGenerator<{ readonly server: Redis; readonly keys: string[] }> {
  for (const server of mastersOf(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) yield { server, keys };
      cursor = next;
    } while (cursor !== '0');
  }
}

function targetOf(url: string): RedisTarget {
  const target = parseRedisTarget(url);
  if ('error' in target) throw new RangeError(`REDIS_URL ${target.error}`);
  return target;
}

function listenToDuplicates(redis: Redis, listen: (redis: Redis) => void): Redis {
  listen(redis);
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = (override) => listenToDuplicates(duplicate(override), listen);
  return redis;
}

function ignore(): void {}
