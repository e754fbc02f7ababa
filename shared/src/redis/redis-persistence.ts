import { ReplyError, type Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';

/** What a Redis keeps across a restart (https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/). */
export interface RedisPersistence {
  /** The append-only file is on (`appendonly yes`); undefined when it could not be read. */
  readonly aof: boolean | undefined;
  /** RDB snapshots are scheduled (`save` has a save point); undefined when it could not be read. */
  readonly rdb: boolean | undefined;
  /** CONFIG GET, or INFO persistence where CONFIG is refused (managed Redis often disables it). */
  readonly source: 'config' | 'info';
  /** Redis' answer to CONFIG GET when it refused it. */
  readonly configRefused?: string;
}

/** Reads the persistence settings: CONFIG GET, falling back to INFO persistence (which has no RDB schedule). */
export async function readRedisPersistence(redis: Redis): Promise<RedisPersistence> {
  try {
    // One setting per CONFIG GET: Redis before 7 takes a single pattern.
    const [appendonly, save] = (await Promise.all([redis.config('GET', 'appendonly'), redis.config('GET', 'save')])) as string[][];
    return { aof: appendonly?.[1] === 'yes', rdb: (save?.[1] ?? '').trim() !== '', source: 'config' };
  } catch (error) {
    // A refusal (renamed or ACL-denied CONFIG) is an answer; a lost connection is not.
    if (!(error instanceof ReplyError)) throw error;
    const enabled = /^aof_enabled:(\d)/m.exec(await redis.info('persistence'))?.[1];
    return { aof: enabled === undefined ? undefined : enabled === '1', rdb: undefined, source: 'info', configRefused: (error as Error).message };
  }
}

/**
 * The boot check: one line saying whether the Redis keeps Sluice's state across a restart, a warning
 * naming the risk when it does not or cannot be told. It waits for Redis as long as the connection
 * does (a connection without a retry limit checks once Redis is reachable); never rejects.
 */
export async function checkRedisPersistence(redis: Redis, logger: Logger): Promise<void> {
  let persistence: RedisPersistence;
  try {
    persistence = await readRedisPersistence(redis);
  } catch (error) {
    // Closed before Redis answered (stopped during an outage): nothing was learnt, nothing to say.
    if (redis.status !== 'end') {
      logger.warn({ err: error }, 'redis persistence could not be checked; without AOF or RDB a Redis restart loses every mapping, lease, checkpoint and queued batch');
    }
    return;
  }
  const { aof, rdb, source, configRefused } = persistence;
  const fields = { aof, rdb, source, ...(configRefused === undefined ? {} : { configRefused }) };
  if (aof === true || rdb === true) {
    logger.info(fields, 'redis persists its data');
  } else if (aof === false && rdb === false) {
    logger.warn(fields, 'redis has no persistence (no AOF, no RDB snapshots): a Redis restart loses every mapping, lease, checkpoint and queued batch');
  } else {
    logger.warn(fields, 'redis persistence is unknown (CONFIG GET refused, INFO shows no AOF, RDB snapshots unreadable): without AOF or RDB a Redis restart loses every mapping, lease, checkpoint and queued batch');
  }
}
