import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { defineLuaScript, runLuaScript } from '@sluice/shared';

/** Just what defineLuaScript uses of ioredis: defineCommand, and commands as properties. */
function fakeRedis() {
  const defined: { name: string; numberOfKeys: number | undefined; lua: string }[] = [];
  const redis = {
    defineCommand(name: string, { numberOfKeys, lua }: { numberOfKeys?: number; lua: string }) {
      defined.push({ name, numberOfKeys, lua });
    },
  };
  return { redis: redis as unknown as Redis, defined };
}

describe('defineLuaScript', () => {
  it('names the command after the file and takes the key count from it, digits in the name included', () => {
    const { redis, defined } = fakeRedis();

    defineLuaScript(redis, 'createS3Binding-8.lua');
    defineLuaScript(redis, 'takeLease-2.lua');

    expect(defined.map(({ name, numberOfKeys }) => ({ name, numberOfKeys }))).toEqual([
      { name: 'createS3Binding', numberOfKeys: 8 },
      { name: 'takeLease', numberOfKeys: 2 },
    ]);
    expect(defined[0]!.lua).toContain('redis.call');
  });

  it('defines verbNoun-n.lua without a key count, and runLuaScript passes the count of the keys it is given', async () => {
    const { redis, defined } = fakeRedis();
    const calls: unknown[][] = [];
    defineLuaScript(redis, 'renewLeases-n.lua');
    (redis as unknown as Record<string, unknown>).renewLeases = async (...args: unknown[]) => calls.push(args);

    await runLuaScript(redis, 'renewLeases', ['k1', 'k2'], ['a', 1]);

    expect(defined.map(({ name, numberOfKeys }) => ({ name, numberOfKeys }))).toEqual([{ name: 'renewLeases', numberOfKeys: undefined }]);
    expect(calls).toEqual([[2, 'k1', 'k2', 'a', 1]]);
  });

  it('refuses a file not named verbNoun-N.lua', () => {
    const { redis } = fakeRedis();

    expect(() => defineLuaScript(redis, 'take-lease.lua')).toThrow(/verbNoun-N\.lua/);
    expect(() => defineLuaScript(redis, '3d-1.lua')).toThrow(/verbNoun-N\.lua/);
  });
});
