import type { BatchOutcome, EventSourceMapping, Logger, StreamRecord } from '@sluice/shared';
import type { BatchLimits } from './batcher.js';
import type { BatchPlanner, RunBatch } from './batch-planner.js';
import type { PlannedWindow } from './tumbling-window-planner.js';

/** What a shard's batch layout depends on: the window size and (without windows) the lane count. */
export type PlannerLayout = Pick<EventSourceMapping, 'tumblingWindowInSeconds' | 'parallelizationFactor'>;

/** Tumbling windows keep one lane (their state is per shard), so there the factor changes nothing. */
function sameLayout(a: PlannerLayout, b: PlannerLayout): boolean {
  if (a.tumblingWindowInSeconds !== b.tumblingWindowInSeconds) return false;
  return a.tumblingWindowInSeconds > 0 || a.parallelizationFactor === b.parallelizationFactor;
}

/**
 * A shard's batch planner that follows TumblingWindowInSeconds and ParallelizationFactor live, as
 * every other mapping update applies while the shard is read (issue #3). Lambda's pages do not say
 * what happens to an open window or to batches in flight when these change, so Sluice does what
 * keeps every record and the order per partition key:
 * - Window size: the planner in use is drained: its buffered records are invoked as before (in their
 *   windows, or plain batches at 0), its batches in flight finish, and a window still open gets its
 *   final invocation, flagged isWindowTerminatedEarly since it ends before its time.
 * - ParallelizationFactor (no windows): the lanes cut no new batch, their batches in flight finish
 *   (records a batch did not cover go back first), then every buffered record is taken out in read
 *   order and filed into the new lanes. A key never has records in two lanes at once, so a later
 *   record of a key cannot be invoked before or beside an earlier one.
 * - Records read meanwhile wait here, in shard order, behind the handed-over ones; then a planner for
 *   the new layout takes them and reading goes on from where it is, without going back to the
 *   checkpoint: nothing is invoked twice and nothing is skipped.
 * The checkpoint hooks always go to the planner in use, so an open window keeps holding it until
 * its final. https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-parallelization
 */
export class PlannerSwitch implements BatchPlanner {
  private current: BatchPlanner;
  /** The layout the planner in use was made for. */
  private currentLayout: PlannerLayout;
  /** The layout to switch to once the planner in use is done (undefined: no switch under way). */
  private nextLayout: PlannerLayout | undefined;
  /** Records read while switching, in shard order. */
  private readonly waiting: StreamRecord[] = [];

  constructor(
    private readonly mapping: () => PlannerLayout,
    private readonly plannerFor: (layout: PlannerLayout) => BatchPlanner,
    private readonly log?: Logger,
  ) {
    this.currentLayout = layoutOf(mapping());
    this.current = plannerFor(this.currentLayout);
  }

  /** The window size batches are cut for now (the old one until a switch completes). */
  get windowSize(): number {
    return this.currentLayout.tumblingWindowInSeconds;
  }

  /** The lanes records are filed into now (the old count until a switch completes). */
  get laneCount(): number {
    return this.currentLayout.parallelizationFactor;
  }

  /** Files records by the layout in use (not the mapping's newest), or holds them while switching. */
  push(records: readonly StreamRecord[], _laneCount?: number): void {
    this.noticeChange();
    if (this.nextLayout === undefined) return this.current.push(records, this.currentLayout.parallelizationFactor);
    this.waiting.push(...records);
  }

  dispatchReady(limits: BatchLimits, shardEnded: boolean, run: RunBatch): void {
    this.noticeChange();
    if (this.nextLayout !== undefined) {
      if (this.relaning()) {
        // No batch of the old lanes now: wait for those in flight, then re-file what is buffered.
        if (this.current.inFlightCount > 0) return;
        this.switchNow(this.current.takeBuffered!());
      } else {
        // A planner that drains itself (windows) is told whether its records end with the shard's (none
        // wait behind them); a LaneSet is flushed as at a shard end.
        this.current.dispatchReady(limits, this.current.drain ? shardEnded && this.waiting.length === 0 : true, run);
        if (this.current.inFlightCount > 0 || this.current.bufferedCount > 0) return;
        this.switchNow([]);
      }
    }
    this.current.dispatchReady(limits, shardEnded, run);
  }

  putBack(lane: number, records: readonly StreamRecord[]): void {
    this.current.putBack(lane, records);
  }

  get inFlightCount(): number {
    return this.current.inFlightCount;
  }

  get bufferedCount(): number {
    return this.current.bufferedCount + this.waiting.length;
  }

  msUntilNextWindow(windowMs: number): number {
    if (this.nextLayout !== undefined) {
      // Done and idle: switch at the next turn of the loop.
      if (this.current.inFlightCount === 0) return 0;
      // Re-laning cuts nothing until the batches in flight settle, and a settling batch wakes the loop.
      if (this.relaning()) return Number.POSITIVE_INFINITY;
    }
    return this.current.msUntilNextWindow(windowMs);
  }

  settled(): Promise<void> {
    return this.current.settled();
  }

  observeRead(startedAtMs: number, caughtUp: boolean): void {
    this.current.observeRead?.(startedAtMs, caughtUp);
  }

  checkpointAfter(window: PlannedWindow | undefined, outcome: BatchOutcome, completed: string | undefined): string | undefined {
    return this.current.checkpointAfter ? this.current.checkpointAfter(window, outcome, completed) : completed;
  }

  holdCheckpoint(completed: string | undefined): string | undefined {
    return this.current.holdCheckpoint ? this.current.holdCheckpoint(completed) : completed;
  }

  /** Only the lane count changes, and the planner in use can hand its buffered records over. */
  private relaning(): boolean {
    const next = this.nextLayout;
    return next !== undefined && this.current.takeBuffered !== undefined && next.tumblingWindowInSeconds === this.currentLayout.tumblingWindowInSeconds;
  }

  /** Starts a switch when the mapping's layout differs from the one in use (or the one switching to). */
  private noticeChange(): void {
    const layout = layoutOf(this.mapping());
    if (sameLayout(layout, this.nextLayout ?? this.currentLayout)) return;
    if (this.nextLayout === undefined) {
      this.log?.info({ from: this.currentLayout, to: layout }, 'batch layout changed; finishing the current batches before switching');
    }
    // A window to close: from the first change of size on (a drain cannot be undone, and is harmless).
    if (layout.tumblingWindowInSeconds !== this.currentLayout.tumblingWindowInSeconds) this.current.drain?.();
    this.nextLayout = layout;
  }

  private switchNow(handedOver: StreamRecord[]): void {
    const layout = this.nextLayout!;
    this.nextLayout = undefined;
    this.currentLayout = layout;
    this.current = this.plannerFor(layout);
    const records = [...handedOver, ...this.waiting.splice(0)];
    this.log?.info({ ...layout, handedOver: handedOver.length, waiting: records.length - handedOver.length }, 'switched to the new batch layout');
    if (records.length > 0) this.current.push(records, layout.parallelizationFactor);
  }
}

function layoutOf(mapping: PlannerLayout): PlannerLayout {
  return { tumblingWindowInSeconds: mapping.tumblingWindowInSeconds, parallelizationFactor: mapping.parallelizationFactor };
}
