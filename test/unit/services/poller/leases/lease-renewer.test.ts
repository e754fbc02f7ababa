import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaseRenewer, type LeaseLossReason } from '../../../../../services/poller/src/leases/lease-renewer.js';
import type { LeaseRenewal, LeaseStore } from '../../../../../services/poller/src/leases/lease-store.js';
import type { ShardLease } from '../../../../../services/poller/src/leases/shard-lease.js';

const TTL = 900;
const scope = { mappingId: 'm', streamIdentity: 's' };

function lease(shardId: string, token = 'tok'): ShardLease {
  return { scope, shardId, parentShardIds: [], owner: 'me', token, counter: 1, expiresAtMs: 0, checkpoint: undefined };
}

/** Redis's clock in these tests: the renewal round's time. */
const REDIS_NOW = 1_000_000;

/**
 * renewLeases answers for each lease with `answer(lease)`: true (renewed), false (lost), or a throw
 * (the whole round fails, as when Redis is unreachable).
 */
function fakeStore(answer: (l: ShardLease) => boolean) {
  const renewLeases = vi.fn(async (leases: readonly ShardLease[], _ttl: number, _worker?: string, _throughputs?: ReadonlyMap<ShardLease, number>): Promise<LeaseRenewal> => ({
    nowMs: REDIS_NOW,
    lost: leases.filter((l) => !answer(l)),
  }));
  const releaseLease = vi.fn(async () => undefined);
  const store = { renewLeases, releaseLease } as unknown as LeaseStore;
  return { store, renewLeases, releaseLease };
}

const renewed = () => true;

describe('LeaseRenewer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const make = (store: LeaseStore, extra: Partial<ConstructorParameters<typeof LeaseRenewer>[0]> = {}) =>
    new LeaseRenewer({ store, ttlMs: TTL, now: () => Date.now(), ...extra });

  it('renews every held lease every ttl/3, all of them in one call per round, and keeps the expiry Redis gave', async () => {
    // Arrange
    const { store, renewLeases } = fakeStore(renewed);
    const renewer = make(store, { workerId: 'w1' });
    renewer.hold(lease('a'), () => undefined);
    renewer.hold(lease('b'), () => undefined);
    // Act
    renewer.start();
    await vi.advanceTimersByTimeAsync(TTL / 3 * 3 + 1);
    // Assert: at start, then at 300, 600 and 900 ms; each round both leases and the heartbeat at once.
    expect(renewLeases).toHaveBeenCalledTimes(4);
    expect(renewLeases.mock.calls.map(([leases, ttl, worker]) => [leases.map((l) => l.shardId), ttl, worker])).toEqual(
      Array.from({ length: 4 }, () => [['a', 'b'], TTL, 'w1']),
    );
    expect(renewer.heldLeases().map((l) => l.expiresAtMs)).toEqual([REDIS_NOW + TTL, REDIS_NOW + TTL]);
    await renewer.stop();
  });

  it('reports a lease whose renewal was refused, once, and stops renewing it; the others go on', async () => {
    const { store, renewLeases } = fakeStore((l) => l.shardId !== 'a');
    const renewer = make(store);
    const lost: [string, LeaseLossReason][] = [];
    renewer.hold(lease('a'), (l, reason) => lost.push([l.shardId, reason]));
    renewer.hold(lease('b'), (l, reason) => lost.push([l.shardId, reason]));
    renewer.start();
    await vi.advanceTimersByTimeAsync(TTL * 2);
    expect(lost).toEqual([['a', 'taken']]);
    expect(renewLeases.mock.calls.map(([leases]) => leases.map((l) => l.shardId)).slice(0, 2)).toEqual([['a', 'b'], ['b']]);
    expect(renewer.isHeld(lease('a'))).toBe(false);
    expect(renewer.isHeld(lease('b'))).toBe(true);
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
    const renewLeases = vi.fn(() => new Promise<LeaseRenewal>((resolve) => (release = () => resolve({ nowMs: REDIS_NOW, lost: [] }))));
    const renewer = make({ renewLeases } as unknown as LeaseStore);
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

  it('heartbeats the worker on every round, with no lease held too', async () => {
    const { store, renewLeases } = fakeStore(renewed);
    const renewer = make(store, { workerId: 'w1' });
    renewer.start();
    await vi.advanceTimersByTimeAsync(TTL / 3 + 1);
    expect(renewLeases.mock.calls).toEqual([[[], TTL, 'w1'], [[], TTL, 'w1']]);
    await renewer.stop();
  });

  it('start and stop are idempotent, stop releases nothing, and an aborted signal stops it', async () => {
    const { store, renewLeases, releaseLease } = fakeStore(renewed);
    const renewer = make(store);
    renewer.hold(lease('a'), () => undefined);
    const controller = new AbortController();
    renewer.start(controller.signal);
    renewer.start(controller.signal);
    await vi.advanceTimersByTimeAsync(1);
    expect(renewLeases).toHaveBeenCalledTimes(1);
    controller.abort();
    await renewer.stop();
    await renewer.stop();
    await vi.advanceTimersByTimeAsync(TTL * 3);
    expect(renewLeases).toHaveBeenCalledTimes(1);
    expect(releaseLease).not.toHaveBeenCalled();
    expect(renewer.isHeld(lease('a'))).toBe(true);
  });

  it('a throwing lost-callback does not stop the others from being told', async () => {
    const { store } = fakeStore(() => false);
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

describe('LeaseRenewer: each lease’s read rate goes with the renewals (KCL 3 throughput per lease)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports a moving rate when it changed enough, nothing for an idle shard, and keeps it on the held lease', async () => {
    // Arrange
    const { store, renewLeases } = fakeStore(renewed);
    const renewer = new LeaseRenewer({ store, ttlMs: 3000, intervalMs: 1000, now: () => Date.now() });
    const busy = lease('busy', 't1');
    renewer.hold(busy, () => undefined);
    renewer.hold(lease('idle', 't2'), () => undefined);
    renewer.start();
    await vi.advanceTimersByTimeAsync(1); // the first round, at once: nothing read yet

    // Act: 100 records a second on `busy` for three rounds, then nothing.
    const reports: (Record<string, number> | undefined)[] = [];
    for (let round = 0; round < 5; round++) {
      if (round < 3) renewer.recordRead(busy, 100);
      await vi.advanceTimersByTimeAsync(1000);
      const throughputs = renewLeases.mock.calls.at(-1)![3] as ReadonlyMap<ShardLease, number> | undefined;
      reports.push(throughputs && Object.fromEntries([...throughputs].map(([l, rate]) => [l.shardId, rate])));
    }

    // Assert: the average 50, 75, 87.5 (under 20% from 75: not written), then 43.75 and 21.88.
    expect(renewLeases.mock.calls[0]![3]).toBeUndefined();
    expect(reports).toEqual([{ busy: 50 }, { busy: 75 }, undefined, { busy: 43.75 }, { busy: 21.88 }]);
    expect(renewer.heldIn(scope).get('busy')?.throughput).toBe(21.88);
    expect(renewer.heldIn(scope).get('idle')?.throughput).toBe(0);
    await renewer.stop();
  });
});
