import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { ensureRedis, findFreePort } from '@sluice/localstack';
import { stopOnInterrupt } from './interrupt.js';

/** A private Redis and a fresh SQS emulator (fauxqs), both on free loopback ports, for one bench. */
export interface SqsBenchStack {
  readonly redisUrl: string;
  readonly sqsEndpoint: string;
  /** The emulator's process id (its CPU can be read from /proc). */
  readonly sqsPid: number;
  stop(): Promise<void>;
}

const LOOPBACK_PRELOAD = fileURLToPath(new URL('../../localstack/preload/loopback-listen.cjs', import.meta.url));
const EXIT_WITH_PARENT = fileURLToPath(new URL('../../localstack/preload/exit-with-parent.cjs', import.meta.url));

/**
 * Starts redis-server and fauxqs (an SQS emulator in Node.js, MIT, npm) of their own. The SQS benches
 * use fauxqs, not moto server (which the tests use): moto's SQS walks every message of a queue on
 * each call (its queue attributes are recomputed per send and receive), so one SendMessageBatch took
 * 30 ms on an empty queue and 186 ms with 1,400 messages in it, and a 10,000-message queue would
 * take minutes to fill and to drain; fauxqs filled 10,000 in about a second. fauxqs binds every
 * interface, so the loopback preload keeps it on 127.0.0.1; its request log is off.
 */
export async function startSqsBenchStack(): Promise<SqsBenchStack> {
  const redisPort = await findFreePort();
  const redis = await ensureRedis(`redis://127.0.0.1:${redisPort}`);
  if (!redis.started) {
    await redis.stop();
    throw new Error(`a Redis already answered on the free port ${redisPort}; run the bench again`);
  }
  const port = await findFreePort();
  const child = spawn(
    process.execPath,
    ['-r', LOOPBACK_PRELOAD, '-r', EXIT_WITH_PARENT, '--input-type=module', '-e', `import { startFauxqs } from 'fauxqs'; await startFauxqs({ port: ${port}, logger: false });`],
    { env: { ...process.env, SLUICE_PARENT_PID: String(process.pid) }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.allSettled([exited, redis.stop()]);
  };
  const forget = stopOnInterrupt(stop);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`${endpoint}/`).then(() => true, () => false);
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      forget();
      await stop();
      throw new Error('fauxqs did not start within 20 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    redisUrl: redis.url,
    sqsEndpoint: endpoint,
    sqsPid: child.pid!,
    stop: async () => {
      forget();
      await stop();
    },
  };
}
