import type { EventSourceMapping } from '@sluice/shared';

/**
 * What the scheduler runs for one active mapping in this process, whatever its source model:
 * shard pollers under leases for a stream (stream-runner.ts), receive loops for a queue
 * (queue/queue-runner.ts). The scheduler ticks it every round and stops it when the mapping is
 * disabled or deleted.
 */
export interface SourceRunner {
  /** One scheduling round: sync shards and take leases, or scale receive loops. */
  tick(now: number): Promise<void>;
  /** Stops everything it runs; batches in flight finish or are handed on (idempotent). */
  stop(): Promise<void>;
}

/** What a runner may ask of its scheduler. */
export interface RunnerContext {
  /** The mapping as the scheduler sees it now (undefined once it is gone): updates apply live. */
  readonly mapping: () => EventSourceMapping | undefined;
  /** Asks for another scheduling round soon (a shard ended: its children may start). */
  readonly requestRound: () => void;
  /** Records the mapping's LastProcessingResult ("OK", "PROBLEM: ..."). */
  readonly reportResult: (result: string) => void;
  /** An ongoing problem under `key` shows as the mapping's LastProcessingResult until it ends (undefined). */
  readonly reportProblem: (key: string, problem: string | undefined) => void;
}

/** Makes the runner of a mapping's source model, and removes what a deleted mapping left behind. */
export interface SourceRunners {
  create(mapping: EventSourceMapping, context: RunnerContext): SourceRunner;
  /**
   * Removes what Redis holds for a deleted mapping (leases, checkpoints, window states). Called
   * also once the mapping's record is gone, so it cannot depend on the mapping; throws to be retried.
   */
  deleteMappingState(mappingId: string): Promise<void>;
}
