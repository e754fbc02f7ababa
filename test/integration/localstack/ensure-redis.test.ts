import { afterEach, describe, expect, inject, it } from 'vitest';
import { LocalStackErrorCode, ensureRedis, findFreePort, pingRedis, type RedisHandle } from '@sluice/localstack';
import { listeningAddresses } from '../../helpers/listening-addresses.js';

const stack = inject('stack');
const handles: RedisHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.stop()));
});

describe('ensureRedis', () => {
  it('uses a Redis that already answers and never stops it', async () => {
    // Arrange
    expect(await pingRedis(stack.redisUrl)).toBe(true);

    // Act
    const redis = await ensureRedis(stack.redisUrl);
    await redis.stop();

    // Assert
    expect(redis.started).toBe(false);
    expect(await pingRedis(stack.redisUrl)).toBe(true);
  });

  it('starts redis-server on loopback when nothing answers at a local URL, and stop() stops it', async () => {
    // Arrange
    const port = await findFreePort();
    const url = `redis://127.0.0.1:${port}`;
    expect(await pingRedis(url)).toBe(false);

    // Act
    const redis = await ensureRedis(url);
    handles.push(redis);

    // Assert
    expect(redis.started).toBe(true);
    expect(await pingRedis(url)).toBe(true);
    const addresses = await listeningAddresses(port);
    expect(addresses).toContain('127.0.0.1');
    expect(addresses.filter((address) => address !== '127.0.0.1' && address !== '::1')).toEqual([]);
    await redis.stop();
    expect(await pingRedis(url)).toBe(false);
  });

  it('starts it with the password the URL carries', async () => {
    // Arrange
    const port = await findFreePort();

    // Act
    const redis = await ensureRedis(`redis://:s3cret-pass@127.0.0.1:${port}`);
    handles.push(redis);

    // Assert
    expect(await pingRedis(`redis://:s3cret-pass@127.0.0.1:${port}`)).toBe(true);
    expect(await pingRedis(`redis://127.0.0.1:${port}`)).toBe(false);
  });

  it('says how to install redis-server when it is missing', async () => {
    // Arrange: a PATH on which no redis-server can be found (spawn looks the command up on it).
    const port = await findFreePort();
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';

    // Act
    const attempt = ensureRedis(`redis://127.0.0.1:${port}`);

    // Assert
    try {
      await expect(attempt).rejects.toMatchObject({
        code: LocalStackErrorCode.CommandNotFound,
        message: expect.stringContaining('apt-get install -y redis-server'),
      });
    } finally {
      process.env.PATH = path;
    }
  });

  it('says so instead of starting anything when the unreachable URL is not on this machine', async () => {
    // Act
    const attempt = ensureRedis('redis://192.0.2.1:6379', { startTimeoutMs: 1_000 });

    // Assert: 192.0.2.0/24 is TEST-NET-1, reserved and never routed (RFC 5737).
    await expect(attempt).rejects.toMatchObject({
      code: LocalStackErrorCode.RedisUnreachable,
      message: expect.stringContaining('redis://192.0.2.1:6379'),
    });
  });
});
