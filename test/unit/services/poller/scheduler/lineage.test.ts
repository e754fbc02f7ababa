import { describe, expect, it } from 'vitest';
import type { StreamMapping } from '@sluice/shared';
import { isEligible, shardsToTrack } from '../../../../../services/poller/src/scheduler/stream-runner.js';
import { initialPosition } from '../../../../../services/poller/src/scheduler/initial-position.js';
import { isMappingActive } from '../../../../../services/poller/src/scheduler/mapping-activity.js';
import type { ShardLease } from '../../../../../services/poller/src/leases/shard-lease.js';

const scope = { mappingId: 'm', streamIdentity: 's' };
const lease = (shardId: string, parentShardIds: string[] = [], checkpoint?: string): ShardLease => ({
  scope,
  shardId,
  parentShardIds,
  owner: undefined,
  token: undefined,
  counter: 0,
  expiresAtMs: 0,
  checkpoint,
});
const mapping = (over: Partial<StreamMapping>) => ({ startingPosition: 'TRIM_HORIZON', enabled: true, state: 'Enabled', ...over }) as StreamMapping;

// Parents before children, a merge waits for both: the KCL's lease lifecycle (aws-facts 3.6, 4).
describe('isEligible', () => {
  it('takes a child only once every tracked parent reached SHARD_END', () => {
    const p1 = lease('p1', [], '100');
    const p2 = lease('p2', [], 'SHARD_END');
    const child = lease('c', ['p1', 'p2']);
    expect(isEligible(child, [p1, p2, child])).toBe(false);
    expect(isEligible(child, [{ ...p1, checkpoint: 'SHARD_END' }, p2, child])).toBe(true);
  });

  it('does not wait for parents this mapping never tracked, and never retakes a finished shard', () => {
    expect(isEligible(lease('c', ['gone']), [])).toBe(true);
    expect(isEligible(lease('done', [], 'SHARD_END'), [])).toBe(false);
  });
});

describe('shardsToTrack and initialPosition', () => {
  const shards = [
    { shardId: 'closed', parentShardIds: [], endingSequenceNumber: '9' },
    { shardId: 'open-a', parentShardIds: ['closed'] },
    { shardId: 'open-b', parentShardIds: [] },
  ];

  it('LATEST ignores shards already closed when it first looks; TRIM_HORIZON takes them all', () => {
    expect(shardsToTrack(mapping({ startingPosition: 'LATEST' }), shards, new Set()).map((s) => s.shardId)).toEqual(['open-a', 'open-b']);
    expect(shardsToTrack(mapping({ startingPosition: 'TRIM_HORIZON' }), shards, new Set()).map((s) => s.shardId)).toEqual(['closed', 'open-a', 'open-b']);
    expect(shardsToTrack(mapping({ startingPosition: 'TRIM_HORIZON' }), shards, new Set(['closed', 'open-b'])).map((s) => s.shardId)).toEqual(['open-a']);
  });

  it('starts children of tracked parents at TRIM_HORIZON, others at the StartingPosition', () => {
    expect(initialPosition(mapping({ startingPosition: 'LATEST' }), false)).toEqual({ type: 'LATEST' });
    expect(initialPosition(mapping({ startingPosition: 'LATEST' }), true)).toEqual({ type: 'TRIM_HORIZON' });
    expect(initialPosition(mapping({ startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: 1700000000 }), true)).toEqual({ type: 'AT_TIMESTAMP', timestampMs: 1700000000000 });
  });
});

// Enabled=false pauses polling: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
describe('isMappingActive', () => {
  it('polls enabled mappings that are not on their way out', () => {
    for (const state of ['Creating', 'Enabling', 'Enabled', 'Updating'] as const) expect(isMappingActive(mapping({ state }))).toBe(true);
    for (const state of ['Disabling', 'Disabled', 'Deleting'] as const) expect(isMappingActive(mapping({ state }))).toBe(false);
    expect(isMappingActive(mapping({ state: 'Updating', enabled: false }))).toBe(false);
  });
});
