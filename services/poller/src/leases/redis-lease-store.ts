import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineLuaScript, leaseKeys, runLuaScript, type LeaseKeys, type RedisKeys } from '@sluice/shared';
import type { LeaseStore } from './lease-store.js';
import { CheckpointLeaseCode, RecordLeaseLayoutCode, RenewLeaseCode, TakeLeaseCode, type ReleaseLeaseCode } from './lease-script-codes.js';
import { SHARD_END, type CheckpointResult, type LeaseScope, type ShardLayout, type ShardLease } from './shard-lease.js';

const SCRIPTS = [
  'ensureLeases-2.lua',
  'takeLease-1.lua',
  'renewLease-1.lua',
  'releaseLease-1.lua',
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

/**
 * LeaseStore on Redis: one hash per lease, a set of shard ids per scope, and an index of every key
 * of a mapping. Each write is one Lua script (shared/lua/*Lease*-N.lua), with expiry on Redis's
 * clock; reads are plain commands, since each lease hash is read whole and writes re-check it.
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
    const args = shards.flatMap((s) => [this.k.lease(scope, s.shardId), s.shardId, JSON.stringify(s.parentShardIds)]);
    await runLuaScript<number>(this.redis, 'ensureLeases', [this.k.scopeShards(scope), this.k.mappingIndex(scope.mappingId)], args);
  }

  async listLeases(scope: LeaseScope): Promise<ShardLease[]> {
    const shardIds = await this.redis.smembers(this.k.scopeShards(scope));
    const hashes = await Promise.all(shardIds.map((id) => this.redis.hgetall(this.k.lease(scope, id))));
    return hashes
      .filter((fields) => fields.shardId !== undefined) // deleted since the set was read
      .map((fields) => toLease(scope, fields))
      .sort((a, b) => (a.shardId < b.shardId ? -1 : a.shardId > b.shardId ? 1 : 0));
  }

  async takeLease(lease: ShardLease, owner: string, ttlMs: number): Promise<ShardLease | undefined> {
    const [code, fields] = await runLuaScript<[number, string[]?]>(
      this.redis,
      'takeLease',
      [this.k.lease(lease.scope, lease.shardId)],
      [lease.counter, owner, randomUUID(), ttlMs],
    );
    return code === TakeLeaseCode.Taken && fields ? toLease(lease.scope, pairs(fields)) : undefined;
  }

  async renewLease(lease: ShardLease, ttlMs: number): Promise<ShardLease | undefined> {
    if (lease.owner === undefined || lease.token === undefined) return undefined;
    const [code, fields] = await runLuaScript<[number, string[]?]>(
      this.redis,
      'renewLease',
      [this.k.lease(lease.scope, lease.shardId)],
      [lease.owner, lease.token, ttlMs],
    );
    return code === RenewLeaseCode.Renewed && fields ? toLease(lease.scope, pairs(fields)) : undefined;
  }

  async releaseLease(lease: ShardLease): Promise<void> {
    if (lease.owner === undefined || lease.token === undefined) return;
    // Released, missing or already someone else's: in each case this process no longer holds it.
    await runLuaScript<ReleaseLeaseCode>(this.redis, 'releaseLease', [this.k.lease(lease.scope, lease.shardId)], [lease.owner, lease.token]);
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
}

/** HGETALL as a script returns it (a flat field, value list) to a record. */
function pairs(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

function toLease(scope: LeaseScope, fields: Record<string, string>): ShardLease {
  return {
    scope,
    shardId: fields.shardId ?? '',
    parentShardIds: JSON.parse(fields.parents ?? '[]') as string[],
    owner: fields.owner,
    token: fields.token,
    counter: Number(fields.counter ?? 0),
    expiresAtMs: Number(fields.expiresAt ?? 0),
    checkpoint: fields.checkpoint,
    layout: parseLayout(fields.layout),
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
