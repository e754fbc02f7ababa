import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisOutageLog, createRedis } from '@sluice/shared';
import { startTestRedisServer, type TestRedisServer } from '../../helpers/redis-server.js';
import { waitFor } from '../../helpers/wait-for.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** A pino logger whose lines land in `lines`, parsed. */
function capturingLogger() {
  const lines: { msg: string; level: number; downMs?: number }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string; level: number });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

async function redisServer(): Promise<TestRedisServer> {
  const server = await startTestRedisServer();
  cleanups.push(() => server.stop());
  return server;
}

describe('RedisOutageLog with createRedis', () => {
  it('logs one line when Redis goes away and one when it is back, for every connection and BullMQ duplicate, and nothing on stderr', async () => {
    // Arrange: a store connection, and a BullMQ connection that the Worker and QueueEvents duplicate.
    const server = await redisServer();
    const { logger, lines } = capturingLogger();
    const outages = new RedisOutageLog(logger);
    const consoleError = vi.spyOn(console, 'error');
    const store = createRedis(server.url, { outages });
    const bull = createRedis(server.url, { forBullmq: true, outages });
    const options = { connection: bull, prefix: '{outage-test}' };
    const queue = new Queue('outage', options);
    const events = new QueueEvents('outage', options);
    const worker = new Worker('outage', async () => 'done', options);
    queue.on('error', outages.errorListener(logger, 'queue error'));
    events.on('error', outages.errorListener(logger, 'queue events error'));
    worker.on('error', outages.errorListener(logger, 'worker error'));
    cleanups.push(async () => {
      await Promise.all([worker.close(), events.close(), queue.close()]);
      await Promise.all([store, bull].map((redis: Redis) => redis.quit()));
    });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady(), store.ping()]);

    // Act: down long enough for many reconnect attempts of each connection, then back.
    await server.kill();
    await sleep(1_500);
    const duringOutage = lines.map((line) => line.msg);
    await server.start();
    await waitFor(() => lines.some((line) => line.msg === 'redis connection back'), { timeoutMs: 10_000, message: 'no "redis connection back" line' });
    const job = await queue.add('after', {});
    await waitFor(async () => (await job.getState()) === 'completed', { message: 'the worker never ran a job after the outage' });

    // Assert
    expect(duringOutage).toEqual(['redis connection lost']);
    expect(lines.map((line) => line.msg)).toEqual(['redis connection lost', 'redis connection back']);
    expect(lines[0]?.level).toBe(50);
    expect(lines[1]?.downMs).toBeGreaterThanOrEqual(1_500);
    expect(outages.down).toBe(false);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('logs a BullMQ error that is not part of an outage', () => {
    // Arrange
    const { logger, lines } = capturingLogger();
    const listener = new RedisOutageLog(logger).errorListener(logger, 'queue error');

    // Act
    listener(new Error('ERR something else'));

    // Assert
    expect(lines).toEqual([expect.objectContaining({ msg: 'queue error', level: 50 })]);
  });
});
