import type { RedisKeys } from '../redis/redis-keys.js';

/** Where leases and checkpoints of one mapping on one incarnation of its stream live. */
export interface LeaseScope {
  readonly mappingId: string;
  /** The stream source's identity: a stream deleted and created again gets fresh leases and checkpoints. */
  readonly streamIdentity: string;
}

/** The checkpoint a finished shard gets; its children may start once every parent has it. */
export const SHARD_END = 'SHARD_END';

/**
 * Where leases, checkpoints and live workers live in Redis, under the installation's prefix. The
 * poller writes them (services/poller/src/leases); the API's dashboard reads them (lease-reader.ts).
 */
export interface LeaseKeys {
  /** Hash of one lease: shardId, parents, owner, token, counter, checkpoint, layout. */
  lease(scope: LeaseScope, shardId: string): string;
  /** The scope of a lease hash key (the inverse of `lease`), or undefined for any other key. */
  parseLease(key: string): LeaseScope | undefined;
  /** Set of the shard ids that have a lease in the scope. */
  scopeShards(scope: LeaseScope): string;
  /** Zset of the scope's held leases: member the holder's token, score its expiry on Redis's clock. */
  scopeExpiries(scope: LeaseScope): string;
  /** Set of every key written for a mapping, under every stream identity (deleteMapping). */
  mappingIndex(mappingId: string): string;
  /** Zset of live poller processes: member worker id, score expiry on Redis's clock. */
  readonly workers: string;
}

export function leaseKeys(keys: RedisKeys): LeaseKeys {
  // A stream identity is an ARN with ':'s in it; encoding every part keeps the parts unambiguous.
  const part = encodeURIComponent;
  const leasePrefix = `${keys.key('lease')}:`;
  return {
    lease: (scope, shardId) => keys.key('lease', part(scope.mappingId), part(scope.streamIdentity), part(shardId)),
    parseLease: (key) => {
      if (!key.startsWith(leasePrefix)) return undefined;
      const parts = key.slice(leasePrefix.length).split(':');
      if (parts.length !== 3) return undefined;
      return { mappingId: decodeURIComponent(parts[0]!), streamIdentity: decodeURIComponent(parts[1]!) };
    },
    scopeShards: (scope) => keys.key('lease-shards', part(scope.mappingId), part(scope.streamIdentity)),
    scopeExpiries: (scope) => keys.key('lease-expiries', part(scope.mappingId), part(scope.streamIdentity)),
    mappingIndex: (mappingId) => keys.key('lease-keys', part(mappingId)),
    workers: keys.key('poller-workers'),
  };
}
