import type { Redis } from 'ioredis';

export interface RedisStats {
  /** INFO stats total_commands_processed. */
  readonly totalCommands: number;
  /** INFO commandstats calls per command (commands run inside Lua scripts count here too). */
  readonly calls: Record<string, number>;
}

/** The bench's own reads: each snapshot sends INFO stats and INFO commandstats (2 commands). */
export const COMMANDS_PER_SNAPSHOT = 2;

export async function redisStats(redis: Redis): Promise<RedisStats> {
  const stats = await redis.info('stats');
  const commandstats = await redis.info('commandstats');
  const totalCommands = Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? Number.NaN);
  const calls: Record<string, number> = {};
  for (const match of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]!] = Number(match[2]);
  return { totalCommands, calls };
}

/** The sum of redisStats over several servers (a cluster's masters, each a direct connection). */
export async function redisStatsOf(servers: readonly Redis[]): Promise<RedisStats> {
  const each = await Promise.all(servers.map(redisStats));
  const calls: Record<string, number> = {};
  for (const stats of each) for (const [name, n] of Object.entries(stats.calls)) calls[name] = (calls[name] ?? 0) + n;
  return { totalCommands: each.reduce((sum, stats) => sum + stats.totalCommands, 0), calls };
}

/** after - before, less the bench's own INFO commands (COMMANDS_PER_SNAPSHOT on each of `servers`). */
export function diffStats(after: RedisStats, before: RedisStats, servers = 1): RedisStats {
  const calls: Record<string, number> = {};
  for (const [name, n] of Object.entries(after.calls)) {
    const d = n - (before.calls[name] ?? 0) - (name === 'info' ? COMMANDS_PER_SNAPSHOT * servers : 0);
    if (d > 0) calls[name] = d;
  }
  return { totalCommands: after.totalCommands - before.totalCommands - COMMANDS_PER_SNAPSHOT * servers, calls };
}

/** CPU seconds (user + system) redis-server has used so far (INFO cpu): one of the processes sharing the cores. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const cpu = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? Number.NaN);
  return field('used_cpu_sys') + field('used_cpu_user');
}

/** The sum of redisCpuSeconds over several servers (a cluster's masters). */
export async function redisCpuSecondsOf(servers: readonly Redis[]): Promise<number> {
  return (await Promise.all(servers.map(redisCpuSeconds))).reduce((a, b) => a + b, 0);
}
