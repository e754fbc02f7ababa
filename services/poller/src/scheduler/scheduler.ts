import { setTimeout as sleep } from 'node:timers/promises';
import type { EventSourceMapping, Logger, MappingStore } from '@sluice/shared';
import type { LeaseStore } from '../leases/lease-store.js';
import type { StreamSource } from '../sources/stream-source.js';
import { isMappingActive } from './mapping-activity.js';
import { MappingRunner, type LeaseCoordination, type MappingRunnerDeps } from './mapping-runner.js';
import { MappingWatcher } from './mapping-watcher.js';

export interface SchedulerDeps {
  readonly mappings: MappingStore;
  readonly leases: LeaseStore;
  /** Tumbling-window state (RedisWindowStateStore): a deleted mapping's goes with its leases. */
  readonly windowStates: { deleteMapping(mappingId: string): Promise<unknown> };
  readonly coordination: LeaseCoordination;
  readonly sourceFor: (mapping: EventSourceMapping) => StreamSource;
  readonly logger: Logger;
  /** How often leases are taken (and expired ones taken over). */
  readonly takeIntervalMs: number;
  readonly shardSyncIntervalMs: number;
  readonly pollerDeps: MappingRunnerDeps['pollerDeps'];
  /** Records a mapping's LastProcessingResult ("OK", "PROBLEM: ..."). */
  readonly reportResult: (mappingId: string, result: string) => void;
  readonly now?: () => number;
}

/**
 * The per-process reconciler (the KCL's Scheduler): keeps one MappingRunner per active mapping,
 * runs scheduling rounds on a timer and whenever something changes, stops the runners of
 * mappings that were disabled or deleted, and removes the leases, checkpoints and window states of deleted ones.
 */
export class Scheduler {
  private readonly runners = new Map<string, MappingRunner>();
  /**
   * Deleted mappings whose leases and checkpoints are still to be removed: a failed removal is
   * retried every round, even once the mapping's record is gone and nothing else would name it.
   */
  private readonly cleanups = new Set<string>();
  private readonly watcher: MappingWatcher;
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private roundRequested = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.now = deps.now ?? Date.now;
    this.watcher = new MappingWatcher({
      store: deps.mappings,
      logger: deps.logger,
      reloadIntervalMs: deps.shardSyncIntervalMs,
      onChange: () => this.requestRound(),
    });
  }

  async start(): Promise<void> {
    if (this.loop !== undefined) return;
    await this.watcher.start();
    this.loop = this.run();
  }

  /** Graceful stop: every poller stops and hands its lease back at once, keeping checkpoints. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.loop;
    await this.watcher.stop();
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
  }

  requestRound(): void {
    this.roundRequested = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      this.roundRequested = false;
      await this.round().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'scheduling round failed; will retry'));
      if (this.roundRequested) continue;
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      await Promise.race([sleep(this.deps.takeIntervalMs, undefined, { signal: this.abort.signal }).catch(() => undefined), woken]);
      this.wake = undefined;
    }
  }

  private async round(): Promise<void> {
    for (const [uuid, runner] of this.runners) {
      const mapping = this.watcher.get(uuid);
      if (mapping !== undefined && isMappingActive(mapping)) continue;
      this.runners.delete(uuid);
      await runner.stop();
      if (mapping === undefined || mapping.state === 'Deleting') this.cleanups.add(uuid);
      else this.deps.logger.info({ mappingId: uuid, state: mapping.state }, 'mapping paused; checkpoints kept');
    }
    for (const mapping of this.watcher.all()) {
      if (!isMappingActive(mapping)) {
        if (mapping.state === 'Deleting') this.cleanups.add(mapping.uuid);
        continue;
      }
      const runner = this.runners.get(mapping.uuid) ?? this.newRunner(mapping);
      await runner.tick(this.now()).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, mappingId: mapping.uuid }, 'mapping round failed; will retry');
      });
    }
    await this.cleanUp();
  }

  /** Removes what Redis holds for each deleted mapping; what fails stays for the next round. */
  private async cleanUp(): Promise<void> {
    for (const mappingId of this.cleanups) {
      try {
        await this.deleteMappingState(mappingId);
        this.cleanups.delete(mappingId);
        this.deps.logger.info({ mappingId }, 'mapping deleted; its leases, checkpoints and window states are gone');
      } catch (error) {
        this.deps.logger.warn({ err: error, mappingId }, "removing a deleted mapping's leases and checkpoints failed; will retry");
      }
    }
  }

  /** What Redis holds for a mapping's shards: leases, checkpoints and tumbling-window states. */
  private async deleteMappingState(mappingId: string): Promise<void> {
    await this.deps.leases.deleteMapping(mappingId);
    // Window states expire by themselves (a week at most): a failure here is logged, not retried.
    await this.deps.windowStates.deleteMapping(mappingId).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, mappingId }, 'deleting the window states failed; they expire by themselves');
    });
  }

  private newRunner(mapping: EventSourceMapping): MappingRunner {
    const runner = new MappingRunner(mapping.uuid, {
      mapping: () => this.watcher.get(mapping.uuid),
      source: this.deps.sourceFor(mapping),
      leases: this.deps.leases,
      coordination: this.deps.coordination,
      shardSyncIntervalMs: this.deps.shardSyncIntervalMs,
      logger: this.deps.logger,
      pollerDeps: this.deps.pollerDeps,
      requestRound: () => this.requestRound(),
      reportResult: (result) => this.deps.reportResult(mapping.uuid, result),
    });
    this.runners.set(mapping.uuid, runner);
    return runner;
  }
}
