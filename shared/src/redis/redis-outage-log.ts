import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';

/**
 * Logs a Redis outage once per process, not once per connection and reconnect attempt: one error
 * line when the first watched connection fails, one line when every failed connection is ready
 * again. ioredis emits 'error' on every failed reconnect of every connection (and prints each to
 * stderr when nobody listens); BullMQ re-emits those on its Queue, Worker and QueueEvents.
 * A connection fails on 'error' or when it starts reconnecting, recovers on 'ready', and is
 * forgotten on 'end' (quit, or ioredis gave up).
 */
export class RedisOutageLog {
  private readonly failing = new Set<Redis>();
  private downSince: number | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether an outage is going on (and has been logged). */
  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** Listens to one connection (createRedis also hands it every duplicate made from it). */
  watch(redis: Redis): void {
    redis.on('error', (error: Error) => this.fail(redis, error));
    redis.on('reconnecting', () => this.fail(redis, undefined));
    redis.on('ready', () => this.recover(redis));
    redis.on('end', () => this.forget(redis));
  }

  /**
   * An 'error' listener for a BullMQ Queue, Worker or QueueEvents: during an outage their errors
   * are its symptoms, already logged; any other error is logged with `message`.
   */
  errorListener(logger: Logger, message: string): (error: Error) => void {
    return (error) => {
      if (!this.down) logger.error({ err: error }, message);
    };
  }

  private fail(redis: Redis, error: Error | undefined): void {
    this.failing.add(redis);
    if (this.downSince !== undefined) return;
    this.downSince = this.now();
    this.logger.error({ redis: target(redis), ...(error === undefined ? {} : { err: error }) }, 'redis connection lost');
  }

  private recover(redis: Redis): void {
    if (!this.failing.delete(redis) || this.failing.size > 0 || this.downSince === undefined) return;
    this.logger.warn({ redis: target(redis), downMs: this.now() - this.downSince }, 'redis connection back');
    this.downSince = undefined;
  }

  private forget(redis: Redis): void {
    this.failing.delete(redis);
    // The last failing connection was closed, not recovered: nothing is left to come back.
    if (this.failing.size === 0) this.downSince = undefined;
  }
}

/** host:port/db (or the socket path), never the password. */
function target(redis: Redis): string {
  const { host, port, path, db } = redis.options;
  return `${path ?? `${host}:${port}`}/${db ?? 0}`;
}
