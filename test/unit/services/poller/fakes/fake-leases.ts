import { compareSequenceNumbers } from '@sluice/shared';
import type { LeaseRenewal, LeaseStore } from '../../../../../services/poller/src/leases/lease-store.js';
import type { CheckpointResult, LeaseScope, ShardLayout, ShardLease } from '../../../../../services/poller/src/leases/shard-lease.js';

/** Records checkpoints and layouts; `lost` makes every later write refused, as after a takeover. */
export class FakeLeaseStore implements LeaseStore {
  readonly checkpoints: string[] = [];
  readonly layouts: ShardLayout[] = [];
  lost = false;

  async ensureLeases(): Promise<void> {}
  async listShardIds(): Promise<string[]> {
    return [];
  }
  async listLeases(): Promise<ShardLease[]> {
    return [];
  }
  async takeLease(lease: ShardLease): Promise<ShardLease> {
    return lease;
  }
  async renewLeases(): Promise<LeaseRenewal> {
    return { nowMs: Date.now(), lost: [] };
  }
  async releaseLease(): Promise<void> {}
  async deleteMapping(_mappingId: string): Promise<void> {}

  async recordLayout(_lease: ShardLease, layout: ShardLayout): Promise<'written' | 'lease-lost'> {
    if (this.lost) return 'lease-lost';
    this.layouts.push(layout);
    return 'written';
  }

  async checkpoint(_lease: ShardLease, sequenceNumber: string): Promise<CheckpointResult> {
    if (this.lost) return 'lease-lost';
    const last = this.checkpoints.at(-1);
    if (last === 'SHARD_END') return 'not-forward';
    if (last !== undefined && sequenceNumber !== 'SHARD_END' && compareSequenceNumbers(sequenceNumber, last) <= 0) return 'not-forward';
    this.checkpoints.push(sequenceNumber);
    return 'written';
  }
}

export const fakeLease = (shardId: string, checkpoint?: string): ShardLease => ({
  scope: { mappingId: 'mapping-1', streamIdentity: 'fake-stream@1' } satisfies LeaseScope,
  shardId,
  parentShardIds: [],
  owner: 'me',
  token: 't',
  counter: 1,
  expiresAtMs: Number.MAX_SAFE_INTEGER,
  checkpoint,
});
