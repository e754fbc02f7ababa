import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/redis-keys.js';
import { leaseKeys, type LeaseKeys } from './lease-keys.js';

/** One shard lease as stored, for reading only (the poller's ShardLease without its token). */
export interface LeaseView {
  readonly streamIdentity: string;
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  /** The last owner: it holds the lease only while `expiresAtMs` is ahead of Redis's clock. */
  readonly owner: string | undefined;
  /** On Redis's clock; 0 for a lease never taken. */
  readonly expiresAtMs: number;
  /** The last fully handled sequence number, SHARD_END, or undefined (none yet). */
  readonly checkpoint: string | undefined;
}

export interface LeaseReading {
  /** Redis's clock when the leases were read, to compare `expiresAtMs` with. */
  readonly nowMs: number;
  /** Every lease of each mapping asked for, under every stream identity, by shard id. */
  readonly byMapping: ReadonlyMap<string, readonly LeaseView[]>;
}

const FIELDS = ['shardId', 'parents', 'owner', 'token', 'checkpoint'] as const;

/**
 * Reads the leases the pollers keep (services/poller/src/leases/redis-lease-store.ts writes them)
 * without taking part in them: two auto-pipelined round trips however many mappings and shards, the
 * mappings' key indexes with Redis's clock, then every lease hash they name and each scope's
 * expiries (the holders' tokens, scored by expiry).
 */
export class RedisLeaseReader {
  private readonly k: LeaseKeys;

  constructor(
    private readonly redis: Redis,
    keys: RedisKeys,
  ) {
    this.k = leaseKeys(keys);
  }

  async read(mappingIds: readonly string[]): Promise<LeaseReading> {
    // Separate commands in one event-loop turn, not a pipeline: the connection auto-pipelines them
    // into one write per server, and on a Redis Cluster each mapping's keys sit in their own slot,
    // where one explicit pipeline may not span slots.
    const [[seconds, micros], indexes] = await Promise.all([this.redis.time(), Promise.all(mappingIds.map((id) => this.redis.smembers(this.k.mappingIndex(id))))]);
    const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);

    const wanted = indexes.flatMap((index) => index.flatMap((key) => (this.k.parseLease(key) === undefined ? [] : [key])));
    const scopes = new Map(wanted.map((key) => this.k.parseLease(key)!).map((scope) => [this.k.scopeExpiries(scope), scope]));
    const [hashes, zsets] = await Promise.all([
      Promise.all(wanted.map((key) => this.redis.hmget(key, ...FIELDS))),
      Promise.all([...scopes.keys()].map((key) => this.redis.zrange(key, '0', '-1', 'WITHSCORES'))),
    ]);
    const expiries = new Map<string, number>(); // by token: tokens are unique per take
    for (const flat of zsets) {
      for (let i = 0; i + 1 < flat.length; i += 2) expiries.set(flat[i]!, Number(flat[i + 1]));
    }

    const byMapping = new Map<string, LeaseView[]>(mappingIds.map((id) => [id, []]));
    hashes.forEach(([shardId, parents, owner, token, checkpoint], i) => {
      const scope = this.k.parseLease(wanted[i]!)!;
      // A lease deleted between the two reads (its mapping went) has no fields left.
      if (shardId === null || shardId === undefined) return;
      byMapping.get(scope.mappingId)?.push({
        streamIdentity: scope.streamIdentity,
        shardId,
        parentShardIds: parseParents(parents ?? null),
        owner: owner ?? undefined,
        expiresAtMs: token === null || token === undefined ? 0 : (expiries.get(token) ?? 0),
        checkpoint: checkpoint ?? undefined,
      });
    });
    // By shard, then by stream identity (a re-created stream's old leases first): SMEMBERS has no order.
    for (const leases of byMapping.values()) leases.sort((a, b) => compare(a.shardId, b.shardId) || compare(a.streamIdentity, b.streamIdentity));
    return { nowMs, byMapping };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseParents(value: string | null): string[] {
  try {
    const parsed: unknown = JSON.parse(value ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}
