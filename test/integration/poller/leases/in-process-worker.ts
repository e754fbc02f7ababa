import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createRedisKeys } from '@sluice/shared';
import { LeaseCoordinator } from '../../../../services/poller/src/leases/lease-coordinator.js';
import type { LeaseLossReason } from '../../../../services/poller/src/leases/lease-renewer.js';
import type { TakeResult } from '../../../../services/poller/src/leases/lease-taker.js';
import { RedisLeaseClock } from '../../../../services/poller/src/leases/redis-lease-clock.js';
import { RedisLeaseStore } from '../../../../services/poller/src/leases/redis-lease-store.js';
import { RedisWorkerRegistry } from '../../../../services/poller/src/leases/redis-worker-registry.js';
import type { LeaseScope } from '../../../../services/poller/src/leases/shard-lease.js';

/**
 * A poller process in miniature, for lease tests: its own Redis connection, store, registry and
 * LeaseCoordinator, taking leases of its scopes every takeIntervalMs (one scheduling round: every
 * scope in turn) and holding what it takes.
 */
export class InProcessWorker {
  readonly coordinator: LeaseCoordinator;
  readonly store: RedisLeaseStore;
  /** Every taking round's result, in order (one per scope per round). */
  readonly rounds: TakeResult[] = [];
  /** Per scheduling round, the leases stolen over all scopes. */
  readonly stealsPerRound: number[] = [];
  /** Every loss the renewer reported. */
  readonly lost: { shardId: string; reason: LeaseLossReason }[] = [];
  private readonly redis: Redis;
  private loop: Promise<void> | undefined;
  private taking = false;

  constructor(
    readonly id: string,
    options: { redisUrl: string; prefix: string; ttlMs: number },
  ) {
    this.redis = new Redis(options.redisUrl);
    const keys = createRedisKeys(options.prefix);
    this.store = new RedisLeaseStore(this.redis, keys);
    this.coordinator = new LeaseCoordinator({
      store: this.store,
      registry: new RedisWorkerRegistry(this.redis, keys),
      clock: new RedisLeaseClock(this.redis),
      workerId: id,
      ttlMs: options.ttlMs,
    });
  }

  /** Registers (first heartbeat) without taking yet. */
  register(): Promise<void> {
    return this.coordinator.start();
  }

  startTaking(scopes: LeaseScope | readonly LeaseScope[], takeIntervalMs: number): void {
    if (this.taking) return;
    this.taking = true;
    const all = Array.isArray(scopes) ? scopes : [scopes as LeaseScope];
    this.loop = (async () => {
      while (this.taking) {
        this.coordinator.beginRound();
        let steals = 0;
        for (const scope of all) {
          const result = await this.coordinator.taker.takeLeases(scope);
          for (const lease of result.taken) {
            this.coordinator.hold(lease, (l, reason) => this.lost.push({ shardId: l.shardId, reason }));
          }
          this.rounds.push(result);
          steals += result.stolen.length;
        }
        this.stealsPerRound.push(steals);
        await sleep(takeIntervalMs);
      }
    })();
  }

  /** Dies like a killed process: stops taking and renewing, releases and unregisters nothing. */
  async crash(): Promise<void> {
    this.taking = false;
    await this.loop;
    await this.coordinator.renewer.stop();
  }

  /** Graceful stop (release held leases, unregister) and disconnect. Safe after crash(). */
  async stop(): Promise<void> {
    this.taking = false;
    await this.loop;
    await this.coordinator.renewer.stop();
    await Promise.all(this.coordinator.renewer.heldLeases().map((lease) => this.store.releaseLease(lease)));
    await this.coordinator.stop();
    this.redis.disconnect();
  }
}
