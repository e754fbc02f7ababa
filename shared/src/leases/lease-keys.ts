import { hashTagOf, type RedisKeys } from '../redis/redis-keys.js';

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
  // Every key of a mapping shares its hash tag (redis-keys.ts): the lease scripts of a scope and
  // deleteMappingLeases (every scope of the mapping) each touch one Redis Cluster slot.
  const part = encodeURIComponent;
  const lease = (mappingId: string, streamIdentity: string, shardId: string) => keys.leaseKey(mappingId, 'lease', part(streamIdentity), part(shardId));
  return {
    lease: (scope, shardId) => lease(scope.mappingId, scope.streamIdentity, shardId),
    parseLease: (key) => {
      // `{<prefix>:leases:<mapping>}:lease:<stream>:<shard>`; the round trip rejects any other key.
      const tag = hashTagOf(key);
      const rest = key.slice(key.indexOf('}') + 1).split(':');
      if (rest.length !== 4 || rest[1] !== 'lease') return undefined;
      try {
        const scope = { mappingId: decodeURIComponent(tag.slice(tag.lastIndexOf(':') + 1)), streamIdentity: decodeURIComponent(rest[2]!) };
        return lease(scope.mappingId, scope.streamIdentity, decodeURIComponent(rest[3]!)) === key ? scope : undefined;
      } catch {
        return undefined; // not URI-encoded: not ours
      }
    },
    scopeShards: (scope) => keys.leaseKey(scope.mappingId, 'lease-shards', part(scope.streamIdentity)),
    scopeExpiries: (scope) => keys.leaseKey(scope.mappingId, 'lease-expiries', part(scope.streamIdentity)),
    mappingIndex: (mappingId) => keys.leaseKey(mappingId, 'lease-keys'),
    workers: keys.key('poller-workers'),
  };
}
