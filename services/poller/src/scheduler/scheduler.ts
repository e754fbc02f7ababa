import { setTimeout as sleep } from 'node:timers/promises';
import type { EventSourceMapping, Logger, MappingStore, RegistryCheck } from '@sluice/shared';
import { isMappingActive } from './mapping-activity.js';
import { MappingWatcher } from './mapping-watcher.js';
import type { SourceRunner, SourceRunners } from './source-runner.js';

export interface SchedulerDeps {
  readonly mappings: MappingStore;
  /** The runner of each mapping's source model, and the removal of a deleted mapping's state. */
  readonly runners: SourceRunners;
  readonly logger: Logger;
  /** How often scheduling rounds run (leases taken, expired ones taken over, queues scaled). */
  readonly takeIntervalMs: number;
  /** How often every mapping is reloaded from the store (changes also arrive as they happen). */
  readonly shardSyncIntervalMs: number;
  /** Records a mapping's LastProcessingResult ("OK", "PROBLEM: ..."). */
  readonly reportResult: (mappingId: string, result: string) => void;
  /** An ongoing problem of a mapping under `key` (a shard's reads, a lane's batch), or its end (undefined). */
  readonly reportProblem: (mappingId: string, key: string, problem: string | undefined) => void;
  /**
   * Called as each scheduling round starts, before any runner ticks (the lease taker's round: at
   * most one lease moves between live workers per round, over every mapping).
   */
  readonly beginRound?: () => void;
  /** Tells whether Redis lost the registry since the last round (registry-epoch.ts); unchecked without it. */
  readonly registry?: { check(): Promise<RegistryCheck> };
  readonly now?: () => number;
}

/**
 * The per-process reconciler (the KCL's Scheduler): keeps one SourceRunner per active mapping
 * (shard pollers for a stream, receive loops for a queue), runs scheduling rounds on a timer and
 * whenever something changes, stops the runners of mappings that were disabled or deleted, and
 * removes what deleted ones left (leases, checkpoints, window states).
 */
export class Scheduler {
  private readonly runners = new Map<string, SourceRunner>();
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
    // First, before any runner takes a lease the lost registry no longer has.
    if ((await this.deps.registry?.check()) === 'vanished') await this.registryVanished();
    this.deps.beginRound?.();
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

  /**
   * Redis lost its data under this process (restarted without persistence, flushed, failed over
   * to an empty replica): every mapping, function, lease, checkpoint and queued batch is gone, and
   * nobody deleted them. Said once, at error level; the runners stop without a word of deletion,
   * there being nothing left to clean up, and the mappings are read again (none, or what was
   * created since).
   */
  private async registryVanished(): Promise<void> {
    const mappings = this.runners.size;
    this.deps.logger.error(
      { mappings, runners: [...this.runners.keys()] },
      'the registry vanished: Redis lost its data (restarted without persistence, or flushed), and with it every mapping, function, lease, checkpoint and queued batch; recreate them, and give Redis persistence (README: Redis in production)',
    );
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
    this.cleanups.clear();
    await this.watcher.reload();
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

  private deleteMappingState(mappingId: string): Promise<void> {
    return this.deps.runners.deleteMappingState(mappingId);
  }

  private newRunner(mapping: EventSourceMapping): SourceRunner {
    const runner = this.deps.runners.create(mapping, {
      mapping: () => this.watcher.get(mapping.uuid),
      requestRound: () => this.requestRound(),
      reportResult: (result) => this.deps.reportResult(mapping.uuid, result),
      reportProblem: (key, problem) => this.deps.reportProblem(mapping.uuid, key, problem),
    });
    this.runners.set(mapping.uuid, runner);
    return runner;
  }
}
