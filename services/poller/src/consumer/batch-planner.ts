import type { BatchOutcome, StreamMapping, StreamRecord } from '@sluice/shared';
import type { BatchLimits } from './batcher.js';
import { LaneSet } from './lane-set.js';
import { TumblingWindowPlanner, type PlannedWindow } from './tumbling-window-planner.js';

/** Runs one planned batch (a job) of a lane; `window` is set on mappings with tumbling windows. */
export type RunBatch = (lane: number, batch: StreamRecord[], window?: PlannedWindow) => Promise<void>;

/**
 * What a shard poller asks of whoever cuts its batches: the LaneSet (ParallelizationFactor lanes),
 * or the TumblingWindowPlanner (one lane, batches within a window, final invocations). The optional
 * members are the windows' hooks; without them the poller behaves as before.
 */
export interface BatchPlanner {
  push(records: readonly StreamRecord[], laneCount: number): void;
  dispatchReady(limits: BatchLimits, shardEnded: boolean, run: RunBatch): void;
  putBack(lane: number, records: readonly StreamRecord[]): void;
  /** Batches running, plus (windows) a window that still owes its final invocation. */
  readonly inFlightCount: number;
  /** Records pushed and not yet handed out in a batch. */
  readonly bufferedCount: number;
  msUntilNextWindow(windowMs: number): number;
  settled(): Promise<void>;
  /** A read that began at `startedAtMs` ended, at the shard's tip when `caughtUp`. */
  observeRead?(startedAtMs: number, caughtUp: boolean): void;
  /**
   * Which checkpoint may be written now that a batch finished (`completed`: the end of the completed
   * prefix, if it grew). Records of an open window wait for its final invocation.
   */
  checkpointAfter?(window: PlannedWindow | undefined, outcome: BatchOutcome, completed: string | undefined): string | undefined;
  /** Which checkpoint may be written now that records were consumed without a batch (filtered out). */
  holdCheckpoint?(completed: string | undefined): string | undefined;
  /**
   * The planner is being replaced (TumblingWindowInSeconds changed): hand out every buffered record
   * at once and (windows) close the open window with a final invocation (planner-switch.ts).
   */
  drain?(): void;
  /**
   * The lane count is changing (ParallelizationFactor): called once nothing is in flight, takes every
   * buffered record out, in read order, for the new lanes (planner-switch.ts).
   */
  takeBuffered?(): StreamRecord[];
}

/** The planner for a mapping's TumblingWindowInSeconds (planner-switch.ts makes a new one when the layout changes). */
export function createBatchPlanner(mapping: Pick<StreamMapping, 'tumblingWindowInSeconds'>, now: () => number, onLaneIdle: () => void): BatchPlanner {
  if (mapping.tumblingWindowInSeconds > 0) return new TumblingWindowPlanner(mapping.tumblingWindowInSeconds, now, onLaneIdle);
  return new LaneSet(now, onLaneIdle);
}
