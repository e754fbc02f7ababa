import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@sluice/shared';
import { ShardPoller } from '../../../../../services/poller/src/consumer/shard-poller.js';
import { SHARD_POLLER_TRANSITIONS, transition, type ShardPollerState } from '../../../../../services/poller/src/consumer/shard-poller-state.js';
import { buildEventSourceMapping } from '../../../../helpers/stream-batch-fixture.js';
import { FakeDispatcher } from '../fakes/fake-dispatcher.js';
import { FakeLeaseStore } from '../fakes/fake-leases.js';
import { testShardPollerDeps } from '../fakes/test-shard-poller-deps.js';
import { FakeShard, FakeSource, fault } from '../fakes/fake-stream.js';

const STATES = Object.keys(SHARD_POLLER_TRANSITIONS) as ShardPollerState[];

describe('shard poller states', () => {
  it('the table is closed: every target is a state, shut-down is the only end, and every live state can shut down', () => {
    expect(STATES.sort()).toEqual(['backing-off', 'initializing', 'processing', 'shut-down', 'shutting-down']);
    for (const state of STATES) for (const next of SHARD_POLLER_TRANSITIONS[state]) expect(STATES).toContain(next);
    expect(STATES.filter((s) => SHARD_POLLER_TRANSITIONS[s].length === 0)).toEqual(['shut-down']);
    for (const state of STATES.filter((s) => s !== 'shutting-down' && s !== 'shut-down')) expect(SHARD_POLLER_TRANSITIONS[state]).toContain('shutting-down');
  });

  it('transition() allows what the table lists and throws on anything else', () => {
    expect(transition('initializing', 'processing')).toBe('processing');
    expect(transition('backing-off', 'backing-off')).toBe('backing-off');
    expect(() => transition('shut-down', 'processing')).toThrow(/from shut-down to processing/);
    expect(() => transition('shutting-down', 'processing')).toThrow();
    expect(() => transition('initializing', 'shut-down')).toThrow();
  });

  it('a poller goes initializing -> backing-off (an injected open fault) -> initializing -> processing -> backing-off (a read fault) -> processing -> shutting-down -> shut-down', async () => {
    // Arrange
    const shard = new FakeShard();
    shard.openFaults.push(fault(ErrorCode.SourceTransient));
    shard.faults.push(fault(ErrorCode.SourceThrottled));
    shard.append(3);
    shard.closed = true;
    const states: ShardPollerState[] = [];
    const poller = new ShardPoller(
      testShardPollerDeps({
        leases: new FakeLeaseStore(),
        source: new FakeSource(new Map([['shard-0', shard]])),
        dispatcher: new FakeDispatcher(),
        mapping: () => buildEventSourceMapping(),
        onState: (state) => states.push(state),
      }),
    );

    // Act
    const end = await poller.start();

    // Assert
    expect(end).toBe('shard-ended');
    expect(states).toEqual(['backing-off', 'initializing', 'processing', 'backing-off', 'processing', 'shutting-down', 'shut-down']);
    expect(poller.state).toBe('shut-down');
  });
});
