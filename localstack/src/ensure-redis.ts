import { Redis } from 'ioredis';
import { startManagedProcess } from './managed-process.js';
import { waitForService } from './wait-for-service.js';
import { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';

/** A Redis that answers at `url`; stop() stops it only if this handle started it. */
export interface RedisHandle {
  readonly url: string;
  /** True when no Redis answered and this handle started a redis-server. */
  readonly started: boolean;
  stop(): Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether a Redis at `url` answers PING within `timeoutMs`; never retries, never throws. */
export async function pingRedis(url: string, timeoutMs = 1_000): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Without a listener ioredis prints every refused connection; the boolean is the answer here.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * Uses the Redis at `url` if one answers; otherwise, when the URL is local, starts `redis-server`
 * as a child that keeps nothing on disk (a dev and test store, like the team machines' own).
 * https://redis.io/docs/latest/operate/oss_and_stack/management/config/
 */
export async function ensureRedis(url: string, options: { readonly startTimeoutMs?: number } = {}): Promise<RedisHandle> {
  if (await pingRedis(url)) return { url, started: false, stop: async () => undefined };

  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' || !LOCAL_HOSTS.has(parsed.hostname)) {
    throw new LocalStackError(
      LocalStackErrorCode.RedisUnreachable,
      `no Redis answers at ${redact(parsed)}, and only a plain redis:// URL on this machine can be started here`,
    );
  }
  const port = parsed.port === '' ? '6379' : parsed.port;
  const args = ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '-::1', '--port', port];
  if (parsed.password !== '') args.push('--requirepass', decodeURIComponent(parsed.password));

  const server = await startManagedProcess({ name: 'redis-server', command: 'redis-server', args }).catch(
    (error: unknown) => {
      if (error instanceof LocalStackError && error.code === LocalStackErrorCode.CommandNotFound) {
        throw new LocalStackError(
          LocalStackErrorCode.CommandNotFound,
          `no Redis answers at ${redact(parsed)} and redis-server is not installed: apt-get install -y redis-server`,
          { cause: error },
        );
      }
      throw error;
    },
  );
  await waitForService(server, () => pingRedis(url, 500), {
    timeoutMs: options.startTimeoutMs ?? 10_000,
    what: `redis-server on port ${port}`,
  });
  return { url, started: true, stop: () => server.stop() };
}

function redact(url: URL): string {
  const copy = new URL(url);
  if (copy.password !== '') copy.password = '***';
  return copy.toString();
}
