import { ensureRedis, findFreePort } from '@sluice/localstack';
import { stopOnInterrupt } from './interrupt.js';

export interface BenchRedis {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A redis-server of the bench's own on a free loopback port, for the queue benches that need no
 * stream emulator: no one else's commands share its single thread, and nothing of anyone's is near.
 */
export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await findFreePort();
  const redis = await ensureRedis(`redis://127.0.0.1:${port}`);
  if (!redis.started) {
    await redis.stop();
    throw new Error(`a Redis already answered on the free port ${port}; run the bench again`);
  }
  const forget = stopOnInterrupt(() => redis.stop());
  return {
    url: redis.url,
    stop: async () => {
      forget();
      await redis.stop();
    },
  };
}
