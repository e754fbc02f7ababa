import { ensureRedis } from './ensure-redis.js';
import { startKinesisLocal } from './kinesis-local.js';
import { startMotoServer } from './moto-server.js';
import { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';

export interface EmbeddedStackOptions {
  /** Used if a Redis answers there; otherwise started there when the URL is local. */
  readonly redisUrl: string;
  /** kinesis-local's plain HTTP port; 0 picks a free one. */
  readonly kinesisPort: number;
  /** kinesis-local's TLS port; 0 (the default) picks a free one. */
  readonly kinesisTlsPort?: number;
  /** 0 picks a free one. */
  readonly motoPort: number;
  /** The Python venv holding moto. */
  readonly venvPath: string;
  /** Fail instead of skipping when moto is missing (CI must test the DynamoDB Streams path). */
  readonly requireMoto?: boolean;
}

/** Redis, Kinesis and (when Python allows) moto on loopback: everything Sluice talks to, locally. */
export interface EmbeddedStack {
  readonly redisUrl: string;
  /** True when no Redis answered and the stack started one (stop() stops it again). */
  readonly redisStarted: boolean;
  readonly kinesisEndpoint: string;
  /** Absent when moto was skipped; `skipped` says why. */
  readonly motoEndpoint?: string;
  /** One plain sentence per part that did not start, saying what is missing and how to get it. */
  readonly skipped: readonly string[];
  /** Stops everything this stack started (a Redis it found running stays). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the three parts side by side (moto takes seconds to import) and, if any fails, stops the
 * ones that did start before rethrowing, so a failed start leaves nothing running either.
 */
export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const [redis, kinesis, moto] = await Promise.allSettled([
    ensureRedis(options.redisUrl),
    startKinesisLocal({ port: options.kinesisPort, tlsPort: options.kinesisTlsPort ?? 0 }),
    startMotoServer({ venvPath: options.venvPath, port: options.motoPort }),
  ]);
  const stops = [redis, kinesis, moto].flatMap((result) =>
    result.status === 'fulfilled' && 'stop' in result.value ? [result.value.stop] : [],
  );
  const stopAll = async () => {
    await Promise.allSettled(stops.map((stop) => stop()));
  };

  if (redis.status === 'rejected' || kinesis.status === 'rejected' || moto.status === 'rejected') {
    await stopAll();
    throw [redis, kinesis, moto].flatMap((result) => (result.status === 'rejected' ? [result.reason] : []))[0];
  }
  if (moto.value.status === 'skipped' && options.requireMoto === true) {
    await stopAll();
    throw new LocalStackError(LocalStackErrorCode.CommandNotFound, moto.value.reason);
  }

  let stopping: Promise<void> | undefined;
  return {
    redisUrl: redis.value.url,
    redisStarted: redis.value.started,
    kinesisEndpoint: kinesis.value.endpoint,
    ...(moto.value.status === 'started' ? { motoEndpoint: moto.value.endpoint } : {}),
    skipped: moto.value.status === 'skipped' ? [moto.value.reason] : [],
    stop: () => (stopping ??= stopAll()),
  };
}
