import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaseRenewer, type LeaseLossReason } from '../../../../../services/poller/src/leases/lease-renewer.js';
import type { LeaseStore } from '../../../../../services/poller/src/leases/lease-store.js';
import type { ShardLease } from '../../../../../services/poller/src/leases/shard-lease.js';

const TTL = 900;
const scope = { mappingId: 'm', streamIdentity: 's' };

function lease(shardId: string, token = 'tok'): ShardLease {
  return { scope, shardId, parentShardIds: [], owner: 'me', token, counter: 1, expiresAtMs: 0, checkpoint: undefined };
}

/** renewLease answers with `answer(lease)`: a renewed lease, undefined (lost), or a throw. */
function fakeStore(answer: (l: ShardLease) => ShardLease | undefined) {
  const renewLease = vi.fn(async (l: ShardLease) => answer(l));
  const releaseLease = vi.fn(async () => undefined);
  const store = { renewLease, releaseLease } as unknown as LeaseStore;
  return { store, renewLease, releaseLease };
}

const renewed = (l: ShardLease): ShardLease => ({ ...l, counter: l.counter + 1 });

describe('LeaseRenewer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const make = (store: LeaseStore, extra: Partial<ConstructorParameters<typeof LeaseRenewer>[0]> = {}) =>
    new LeaseRenewer({ store, ttlMs: TTL, now: () => Date.now(), ...extra });

  it('renews every held lease every ttl/3 and keeps the renewed state', async () => {
    // Arrange
    const { store, renewLease } = fakeStore(renewed);
    const renewer = make(store);
    renewer.hold(lease('a'), () => undefined);
    // Act
    renewer.start();
    await vi.advanceTimersByTimeAsync(TTL / 3 * 3 + 1);
    // Assert: at start, then at 300, 600 and 900 ms.
    expect(renewLease).toHaveBeenCalledTimes(4);
    expect(renewer.heldLeases()[0]?.counter).toBe(5);
    await renewer.stop();
  });

  it('reports a lease whose renewal was refused, once, and stops renewing it', async () => {
    const { store, renewLease } = fakeStore(() => undefined);
    const renewer = make(store);
    const lost: [string, LeaseLossReason][] = [];
    renewer.hold(lease('a'), (l, reason) => lost.push([l.shardId, reason]));
    renewer.start();
    await vi.advanceTimersByTimeAsync(TTL * 2);
    expect(lost).toEqual([['a', 'taken']]);
    expect(renewLease).toHaveBeenCalledTimes(1);
    expect(renewer.isHeld(lease('a'))).toBe(false);
    await renewer.stop();
  });

  it('reports a lease it could not renew for a whole ttl (Redis unreachable)', async () => {
    const { store } = fakeStore(() => {
      throw new Error('connection refused');
    });
    const renewer = make(store);
    const lost: LeaseLossReason[] = [];
    renewer.hold(lease('a'), (_l, reason) => lost.push(reason));
    renewer.start();
    await vi.advanceTimersByTimeAsync(TTL - 1);
    expect(lost).toEqual([]);
    await vi.advanceTimersByTimeAsync(TTL / 3 + 1);
    expect(lost).toEqual(['expired']);
    await renewer.stop();
  });

  it('a renewal that answers late does not bring back a lease already reported lost', async () => {
    let release: (() => void) | undefined;
    const renewLease = vi.fn((l: ShardLease) => new Promise<ShardLease>((resolve) => (release = () => resolve(renewed(l)))));
    const renewer = make({ renewLease } as unknown as LeaseStore);
    const lost: LeaseLossReason[] = [];
    renewer.hold(lease('a'), (_l, reason) => lost.push(reason));
    renewer.start();
    await vi.advanceTimersByTimeAsync(TTL + TTL / 3);
    release?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(lost).toEqual(['expired']);
    expect(renewer.heldLeases()).toEqual([]);
    await renewer.stop();
  });

  it('drop() with an old token leaves a newer hold alone; a new token replaces and reports the old', () => {
    const { store } = fakeStore(renewed);
    const renewer = make(store);
    const lost: [string | undefined, LeaseLossReason][] = [];
    renewer.hold(lease('a', 'old'), (l, reason) => lost.push([l.token, reason]));
    renewer.hold(lease('a', 'new'), (l, reason) => lost.push([l.token, reason]));
    expect(lost).toEqual([['old', 'replaced']]);
    expect(renewer.drop(lease('a', 'old'))).toBe(false);
    expect(renewer.isHeld(lease('a'))).toBe(true);
    expect(renewer.drop(lease('a', 'new'))).toBe(true);
    expect(renewer.isHeld(lease('a'))).toBe(false);
  });

  it('heartbeats the worker on every round', async () => {
    const { store } = fakeStore(renewed);
    const heartbeat = vi.fn(async () => undefined);
    const renewer = make(store, { heartbeat: { registry: { heartbeat }, workerId: 'w1' } });
    renewer.start();
    await vi.advanceTimersByTimeAsync(TTL / 3 + 1);
    expect(heartbeat).toHaveBeenCalledTimes(2);
    expect(heartbeat).toHaveBeenCalledWith('w1', TTL);
    await renewer.stop();
  });

  it('start and stop are idempotent, stop releases nothing, and an aborted signal stops it', async () => {
    const { store, renewLease, releaseLease } = fakeStore(renewed);
    const renewer = make(store);
    renewer.hold(lease('a'), () => undefined);
    const controller = new AbortController();
    renewer.start(controller.signal);
    renewer.start(controller.signal);
    await vi.advanceTimersByTimeAsync(1);
    expect(renewLease).toHaveBeenCalledTimes(1);
    controller.abort();
    await renewer.stop();
    await renewer.stop();
    await vi.advanceTimersByTimeAsync(TTL * 3);
    expect(renewLease).toHaveBeenCalledTimes(1);
    expect(releaseLease).not.toHaveBeenCalled();
    expect(renewer.isHeld(lease('a'))).toBe(true);
  });

  it('a throwing lost-callback does not stop the others from being told', async () => {
    const { store } = fakeStore(() => undefined);
    const renewer = make(store);
    const told: string[] = [];
    renewer.hold(lease('a'), () => {
      throw new Error('boom');
    });
    renewer.hold(lease('b'), (l) => told.push(l.shardId));
    renewer.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(told).toEqual(['b']);
    await renewer.stop();
  });
});
