/**
 * Every Redis key Sluice writes starts with the installation's prefix, so several installations
 * (or test runs) share one Redis without seeing each other. Braces keep one installation's keys
 * in one Redis Cluster slot, which multi-key Lua scripts need.
 */
export interface RedisKeys {
  readonly prefix: string;
  key(...parts: string[]): string;
}

export function createRedisKeys(prefix: string): RedisKeys {
  const root = `{${prefix}}`;
  return { prefix: root, key: (...parts) => [root, ...parts].join(':') };
}
