import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedisPersistence, createRedis } from '@sluice/shared';
import { startTestRedisServer, type TestRedisServer } from '../../helpers/redis-server.js';

// Each case on a redis-server of its own: the shared test Redis must not be reconfigured. One of
// them renames CONFIG, as managed Redis services disable it; the test still reaches it by the new name.
const HIDDEN_CONFIG = 'sluice-test-config';
let plain: TestRedisServer;
let appendOnly: TestRedisServer;
let noConfig: TestRedisServer;
const connections: Redis[] = [];

beforeAll(async () => {
  [plain, appendOnly, noConfig] = await Promise.all([
    startTestRedisServer(),
    startTestRedisServer(['--appendonly', 'yes']),
    startTestRedisServer(['--rename-command', 'CONFIG', HIDDEN_CONFIG]),
  ]);
});

afterAll(async () => {
  await Promise.all(connections.map((redis) => redis.quit()));
  await Promise.all([plain, appendOnly, noConfig].map((server) => server?.stop()));
});

function connect(server: TestRedisServer): Redis {
  const redis = createRedis(server.url);
  connections.push(redis);
  return redis;
}

/** What checkRedisPersistence logs, parsed. */
async function check(redis: Redis): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  await checkRedisPersistence(redis, pino({ level: 'info' }, sink));
  return lines;
}

describe('checkRedisPersistence', () => {
  it('warns, naming what a restart loses, when Redis has neither AOF nor RDB save points', async () => {
    // Act
    const lines = await check(connect(plain));

    // Assert
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        aof: false,
        rdb: false,
        source: 'config',
        msg: 'redis has no persistence (no AOF, no RDB snapshots): a Redis restart loses every mapping, lease, checkpoint and queued batch',
      }),
    ]);
  });

  it('says so at info, with no warning, when AOF is on or RDB snapshots are scheduled', async () => {
    // Arrange
    const snapshots = connect(plain);

    // Act
    const withAof = await check(connect(appendOnly));
    await snapshots.config('SET', 'save', '3600 1');
    const withRdb = await check(snapshots).finally(() => snapshots.config('SET', 'save', ''));

    // Assert
    expect(withAof).toEqual([expect.objectContaining({ level: 30, aof: true, rdb: false, msg: 'redis persists its data' })]);
    expect(withRdb).toEqual([expect.objectContaining({ level: 30, aof: false, rdb: true, msg: 'redis persists its data' })]);
  });

  it('falls back to INFO persistence when CONFIG is refused: AOF on is enough, AOF off warns that RDB is unknown', async () => {
    // Arrange
    const redis = connect(noConfig);

    // Act
    const aofOff = await check(redis);
    await redis.call(HIDDEN_CONFIG, 'SET', 'appendonly', 'yes');
    const aofOn = await check(redis).finally(() => redis.call(HIDDEN_CONFIG, 'SET', 'appendonly', 'no'));

    // Assert
    expect(aofOff).toEqual([
      expect.objectContaining({
        level: 40,
        aof: false,
        source: 'info',
        configRefused: expect.stringMatching(/unknown command/i),
        msg: expect.stringMatching(/^redis persistence is unknown .*a Redis restart loses every mapping, lease, checkpoint and queued batch$/),
      }),
    ]);
    expect(aofOff[0]).not.toHaveProperty('rdb');
    expect(aofOn).toEqual([expect.objectContaining({ level: 30, aof: true, source: 'info', msg: 'redis persists its data' })]);
  });
});
