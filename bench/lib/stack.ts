import { ensureRedis, findFreePort, startKinesisLocal } from '@sluice/localstack';
import { stopOnInterrupt } from './interrupt.js';
import { pinBenchProcess, pinEmulator } from './pin.js';

/** A private Redis and a fresh kinesis-local, both on free loopback ports, started for one bench. */
export interface BenchStack {
  readonly redisUrl: string;
  readonly kinesisEndpoint: string;
  /** kinesis-local's process id (its CPU can be read from /proc). */
  readonly kinesisPid: number;
  stop(): Promise<void>;
}

/**
 * Starts a redis-server of its own (no other user adds commands to INFO stats, and nothing of
 * anyone else's can be touched) and a kinesis-local of its own (a fresh emulator: kinesis-local
 * slows as its shards fill, so an earlier bench's streams would skew a later one). With `pinned`
 * the emulator gets a core of its own (pin.ts).
 */
export async function startBenchStack(options: { readonly pinned?: boolean } = {}): Promise<BenchStack> {
  // Before any child starts: Redis, Sluice and the function stay off the emulator's core (pin.ts).
  const pinned = options.pinned === true;
  if (pinned) pinBenchProcess();
  const redisPort = await findFreePort();
  const redis = await ensureRedis(`redis://127.0.0.1:${redisPort}`);
  if (!redis.started) {
    await redis.stop();
    throw new Error(`a Redis already answered on the free port ${redisPort}; run the bench again`);
  }
  const forgetRedis = stopOnInterrupt(() => redis.stop());
  try {
    const kinesis = await startKinesisLocal({ port: 0 });
    if (pinned) pinEmulator(kinesis.pid);
    const stop = async () => {
      await Promise.allSettled([kinesis.stop(), redis.stop()]);
    };
    forgetRedis();
    const forget = stopOnInterrupt(stop);
    return {
      redisUrl: redis.url,
      kinesisEndpoint: kinesis.endpoint,
      kinesisPid: kinesis.pid,
      stop: async () => {
        forget();
        await stop();
      },
    };
  } catch (error) {
    forgetRedis();
    await redis.stop();
    throw error;
  }
}
