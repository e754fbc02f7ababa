import type { RedisKeys } from '@sluice/shared';
import type { LeaseScope } from './shard-lease.js';

/** Where leases, checkpoints and live workers live in Redis, under the installation's prefix. */
export interface LeaseKeys {
  /** Hash of one lease: shardId, parents, owner, token, counter, expiresAt, checkpoint. */
  lease(scope: LeaseScope, shardId: string): string;
  /** Set of the shard ids that have a lease in the scope. */
  scopeShards(scope: LeaseScope): string;
  /** Set of every key written for a mapping, under every stream identity (deleteMapping). */
  mappingIndex(mappingId: string): string;
  /** Zset of live poller processes: member worker id, score expiry on Redis's clock. */
  readonly workers: string;
}

export function leaseKeys(keys: RedisKeys): LeaseKeys {
  // A stream identity is an ARN with ':'s in it; encoding every part keeps the parts unambiguous.
  const part = encodeURIComponent;
  return {
    lease: (scope, shardId) => keys.key('lease', part(scope.mappingId), part(scope.streamIdentity), part(shardId)),
    scopeShards: (scope) => keys.key('lease-shards', part(scope.mappingId), part(scope.streamIdentity)),
    mappingIndex: (mappingId) => keys.key('lease-keys', part(mappingId)),
    workers: keys.key('poller-workers'),
  };
}
