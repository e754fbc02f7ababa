import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { defineLuaScript } from '@sluice/shared';

/** Just what defineLuaScript uses of ioredis: defineCommand, and commands as properties. */
function fakeRedis() {
  const defined: { name: string; numberOfKeys: number; lua: string }[] = [];
  const redis = {
    defineCommand(name: string, { numberOfKeys, lua }: { numberOfKeys: number; lua: string }) {
      defined.push({ name, numberOfKeys, lua });
    },
  };
  return { redis: redis as unknown as Redis, defined };
}

describe('defineLuaScript', () => {
  it('names the command after the file and takes the key count from it, digits in the name included', () => {
    const { redis, defined } = fakeRedis();

    defineLuaScript(redis, 'createS3Binding-8.lua');
    defineLuaScript(redis, 'takeLease-1.lua');

    expect(defined.map(({ name, numberOfKeys }) => ({ name, numberOfKeys }))).toEqual([
      { name: 'createS3Binding', numberOfKeys: 8 },
      { name: 'takeLease', numberOfKeys: 1 },
    ]);
    expect(defined[0]!.lua).toContain('redis.call');
  });

  it('refuses a file not named verbNoun-N.lua', () => {
    const { redis } = fakeRedis();

    expect(() => defineLuaScript(redis, 'take-lease.lua')).toThrow(/verbNoun-N\.lua/);
    expect(() => defineLuaScript(redis, '3d-1.lua')).toThrow(/verbNoun-N\.lua/);
  });
});
