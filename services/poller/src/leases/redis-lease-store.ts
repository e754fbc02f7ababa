import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineLuaScript, hashTagOf, leaseKeys, runLuaScript, type LeaseKeys, type RedisKeys } from '@sluice/shared';
import type { LeaseRenewal, LeaseStore } from './lease-store.js';
import { CheckpointLeaseCode, RecordLeaseLayoutCode, TakeLeaseCode, type ReleaseLeaseCode } from './lease-script-codes.js';
import { SHARD_END, type CheckpointResult, type LeaseScope, type ShardLayout, type ShardLease } from './shard-lease.js';

const SCRIPTS = [
  'ensureLeases-n.lua',
  'takeLease-2.lua',
  'renewLeases-n.lua',
  'releaseLease-2.lua',
  'checkpointLease-1.lua',
  'recordLeaseLayout-1.lua',
  'deleteMappingLeases-1.lua',
] as const;

const CHECKPOINT_RESULTS: Record<number, CheckpointResult> = {
  [CheckpointLeaseCode.Written]: 'written',
  [CheckpointLeaseCode.LeaseLost]: 'lease-lost',
  [CheckpointLeaseCode.NotForward]: 'not-forward',
};

/** Kinesis and DynamoDB Streams sequence numbers are decimal digits; SHARD_END is the one sentinel stored. */
const CHECKPOINT_VALUE = /^(\d+|SHARD_END)$/;

/** Leases per renewal script at most: Lua's unpack() of one ZADD's arguments has a stack limit. */
const RENEWALS_PER_SCRIPT = 500;

/**
 * LeaseStore on Redis: one hash per lease, a set of shard ids and a zset of expiries per scope (the
 * holders' tokens, scored by expiry on Redis's clock), and an index of every key of a mapping. Each
 * write is one Lua script (shared/lua/*Lease*-N.lua); reads are plain commands, since each lease
 * hash is read whole and writes re-check it. Expiries live apart from the hashes so that one ZADD
 * renews every lease a process holds in a scope: an idle shard costs about one Redis command per
 * renewal round (every ttl/3), not one script of seven.
 */
export class RedisLeaseStore implements LeaseStore {
  private readonly k: LeaseKeys;

  constructor(
    private readonly redis: Redis,
    keys: RedisKeys,
  ) {
    this.k = leaseKeys(keys);
    for (const file of SCRIPTS) defineLuaScript(redis, file);
  }

  async ensureLeases(scope: LeaseScope, shards: readonly { shardId: string; parentShardIds: readonly string[] }[]): Promise<void> {
    if (shards.length === 0) return;
    const leaseHashes = shards.map((s) => this.k.lease(scope, s.shardId));
    const args = shards.flatMap((s) => [s.shardId, JSON.stringify(s.parentShardIds)]);
    await runLuaScript<number>(this.redis, 'ensureLeases', [this.k.scopeShards(scope), this.k.mappingIndex(scope.mappingId), this.k.scopeExpiries(scope), ...leaseHashes], args);
  }

  listShardIds(scope: LeaseScope): Promise<string[]> {
    return this.redis.smembers(this.k.scopeShards(scope));
  }

  async listLeases(scope: LeaseScope, held: ReadonlyMap<string, ShardLease> = new Map()): Promise<ShardLease[]> {
    const shardIds = await this.listShardIds(scope);
    const unknown = shardIds.filter((id) => !held.has(id));
    const hashes = (await Promise.all(unknown.map((id) => this.redis.hgetall(this.k.lease(scope, id))))).filter(
      (fields) => fields.shardId !== undefined, // deleted since the set was read
    );
    const tokens = hashes.flatMap((fields) => (fields.token === undefined ? [] : [fields.token]));
    const scores = tokens.length === 0 ? [] : await this.redis.zmscore(this.k.scopeExpiries(scope), ...tokens);
    const expiries = new Map(tokens.map((token, i) => [token, Number(scores[i] ?? 0)]));
    const read = hashes.map((fields) => toLease(scope, fields, fields.token === undefined ? 0 : (expiries.get(fields.token) ?? 0)));
    const mine = shardIds.flatMap((id) => held.get(id) ?? []);
    return [...read, ...mine].sort((a, b) => (a.shardId < b.shardId ? -1 : a.shardId > b.shardId ? 1 : 0));
  }

  async takeLease(lease: ShardLease, owner: string, ttlMs: number): Promise<ShardLease | undefined> {
    const [code, fields, expiresAt] = await runLuaScript<[number, string[]?, number?]>(
      this.redis,
      'takeLease',
      [this.k.lease(lease.scope, lease.shardId), this.k.scopeExpiries(lease.scope)],
      [lease.counter, lease.expiresAtMs, owner, randomUUID(), ttlMs],
    );
    return code === TakeLeaseCode.Taken && fields ? toLease(lease.scope, pairs(fields), Number(expiresAt)) : undefined;
  }

  async renewLeases(leases: readonly ShardLease[], ttlMs: number, workerId?: string, throughputs?: ReadonlyMap<ShardLease, number>): Promise<LeaseRenewal> {
    const held = leases.filter((lease) => lease.owner !== undefined && lease.token !== undefined);
    const unowned = leases.filter((lease) => lease.owner === undefined || lease.token === undefined);
    const chunks: ShardLease[][] = [];
    for (const group of this.bySlot(held)) {
      for (let i = 0; i < group.length; i += RENEWALS_PER_SCRIPT) chunks.push(group.slice(i, i + RENEWALS_PER_SCRIPT));
    }
    // The heartbeat goes with the first script (on a cluster, alone: the workers zset has a slot of
    // its own); with nothing to renew it goes alone.
    if ((this.redis.isCluster && workerId !== undefined) || chunks.length === 0) chunks.unshift([]);
    const rounds = await Promise.all(chunks.map((chunk, i) => this.renewChunk(chunk, ttlMs, i === 0 ? workerId : undefined, throughputs)));
    const lostTokens = new Set(rounds.flatMap(([, lost]) => lost));
    return { nowMs: Number(rounds[0]![0]), lost: [...unowned, ...held.filter((lease) => lostTokens.has(lease.token!))] };
  }

  async releaseLease(lease: ShardLease): Promise<void> {
    if (lease.owner === undefined || lease.token === undefined) return;
    // Released, missing or already someone else's: in each case this process no longer holds it.
    const keys = [this.k.lease(lease.scope, lease.shardId), this.k.scopeExpiries(lease.scope)];
    await runLuaScript<ReleaseLeaseCode>(this.redis, 'releaseLease', keys, [lease.owner, lease.token]);
  }

  async checkpoint(lease: ShardLease, sequenceNumber: string): Promise<CheckpointResult> {
    if (!CHECKPOINT_VALUE.test(sequenceNumber)) {
      throw new RangeError(`a checkpoint is a decimal sequence number or ${SHARD_END}: ${JSON.stringify(sequenceNumber)}`);
    }
    if (lease.owner === undefined || lease.token === undefined) return 'lease-lost';
    const code = await runLuaScript<CheckpointLeaseCode>(
      this.redis,
      'checkpointLease',
      [this.k.lease(lease.scope, lease.shardId)],
      [lease.owner, lease.token, sequenceNumber],
    );
    const result = CHECKPOINT_RESULTS[code];
    if (result === undefined) throw new Error(`checkpointLease returned ${code} for ${JSON.stringify(sequenceNumber)}`);
    return result;
  }

  async recordLayout(lease: ShardLease, layout: ShardLayout): Promise<'written' | 'lease-lost'> {
    if (lease.owner === undefined || lease.token === undefined) return 'lease-lost';
    const value = JSON.stringify({ tumblingWindowInSeconds: layout.tumblingWindowInSeconds, parallelizationFactor: layout.parallelizationFactor });
    const code = await runLuaScript<RecordLeaseLayoutCode>(
      this.redis,
      'recordLeaseLayout',
      [this.k.lease(lease.scope, lease.shardId)],
      [lease.owner, lease.token, value],
    );
    if (code === RecordLeaseLayoutCode.Written) return 'written';
    if (code === RecordLeaseLayoutCode.LeaseLost) return 'lease-lost';
    throw new Error(`recordLeaseLayout returned ${String(code)}`);
  }

  async deleteMapping(mappingId: string): Promise<void> {
    await runLuaScript<number>(this.redis, 'deleteMappingLeases', [this.k.mappingIndex(mappingId)], []);
  }

  /**
   * One renewLeases-n script: the leases grouped by scope, one expiries zset (one ZADD) per scope,
   * and the throughputs reported for the chunk's leases (one HGET and HSET each).
   */
  private renewChunk(
    leases: readonly ShardLease[],
    ttlMs: number,
    workerId: string | undefined,
    throughputs: ReadonlyMap<ShardLease, number> | undefined,
  ): Promise<[number, string[]]> {
    const byScope = new Map<string, { key: string; tokens: string[] }>();
    for (const lease of leases) {
      const key = this.k.scopeExpiries(lease.scope);
      const group = byScope.get(key) ?? { key, tokens: [] };
      group.tokens.push(lease.token!);
      byScope.set(key, group);
    }
    const groups = [...byScope.values()];
    const reports = throughputs === undefined ? [] : leases.filter((lease) => throughputs.has(lease));
    const args = [
      workerId ?? '',
      ttlMs,
      groups.length,
      ...groups.flatMap((g) => [g.tokens.length, ...g.tokens]),
      ...reports.flatMap((lease) => [lease.token!, throughputs!.get(lease)!]),
    ];
    // The script touches KEYS[1] (the workers zset) only for a heartbeat; without one it names a key
    // of the chunk's own slot, so that on a Redis Cluster every key of the script shares one slot.
    const first = workerId === undefined && groups.length > 0 ? groups[0]!.key : this.k.workers;
    const keys = [first, ...groups.map((g) => g.key), ...reports.map((lease) => this.k.lease(lease.scope, lease.shardId))];
    return runLuaScript<[number, string[]]>(this.redis, 'renewLeases', keys, args);
  }

  /**
   * The leases in groups one script may renew together: all of them on one Redis server; on a Redis
   * Cluster, one group per mapping (its leases share a hash tag, lease-keys.ts), as a script's keys
   * must share a slot (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/).
   */
  private bySlot(leases: readonly ShardLease[]): ShardLease[][] {
    if (!this.redis.isCluster) return leases.length === 0 ? [] : [[...leases]];
    const groups = new Map<string, ShardLease[]>();
    for (const lease of leases) {
      const tag = hashTagOf(this.k.scopeExpiries(lease.scope));
      groups.set(tag, [...(groups.get(tag) ?? []), lease]);
    }
    return [...groups.values()];
  }
}

/** HGETALL as a script returns it (a flat field, value list) to a record. */
function pairs(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/** A lease hash as read; its expiry comes from the scope's expiries zset (0: none, as unowned). */
function toLease(scope: LeaseScope, fields: Record<string, string>, expiresAtMs: number): ShardLease {
  return {
    scope,
    shardId: fields.shardId ?? '',
    parentShardIds: JSON.parse(fields.parents ?? '[]') as string[],
    owner: fields.owner,
    token: fields.token,
    counter: Number(fields.counter ?? 0),
    expiresAtMs,
    checkpoint: fields.checkpoint,
    layout: parseLayout(fields.layout),
    throughput: fields.throughput === undefined ? undefined : Number(fields.throughput),
  };
}

/** The recorded layout, or undefined when there is none or it is not one we wrote (start as if new). */
function parseLayout(value: string | undefined): ShardLayout | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = JSON.parse(value) as Partial<Record<keyof ShardLayout, unknown>>;
    const { tumblingWindowInSeconds: window, parallelizationFactor: factor } = parsed;
    if (!Number.isInteger(window) || !Number.isInteger(factor) || (window as number) < 0 || (factor as number) < 1) return undefined;
    return { tumblingWindowInSeconds: window as number, parallelizationFactor: factor as number };
  } catch {
    return undefined;
  }
}
