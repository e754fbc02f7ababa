import type { BatchOutcome, StreamMapping, Logger, StreamRecord } from '@sluice/shared';
import type { BatchLimits } from './batcher.js';
import type { BatchPlanner, RunBatch } from './batch-planner.js';
import type { PlannedWindow } from './tumbling-window-planner.js';

/** What a shard's batch layout depends on: the window size and (without windows) the lane count. */
export type PlannerLayout = Pick<StreamMapping, 'tumblingWindowInSeconds' | 'parallelizationFactor'>;

/** How a shard poller starts its PlannerSwitch, and how it learns which layout batches are cut under. */
export interface PlannerSwitchOptions {
  /**
   * The layout the shard's previous owner recorded (the lease's layout). When it differs from the
   * mapping's, this owner takes over a shard whose jobs in flight were cut under it: see the class.
   */
  readonly recorded?: PlannerLayout | undefined;
  /** Records the layout a switch moves to before any batch is cut under it (fenced, like a checkpoint). */
  readonly record?: (layout: PlannerLayout) => Promise<void>;
  /** Called once the new layout is recorded, to cut its batches at once. */
  readonly onRecorded?: () => void;
}

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
 * its final.
 * Takeover (issue #3): job ids name the lane, so a new owner of the shard starts under the layout the
 * last owner recorded (options.recorded), re-cuts the same batches from the checkpoint and so awaits
 * the jobs still in flight under their ids. It cannot know how far the last owner had dispatched, so
 * it keeps that layout until a read finds the shard's tip (everything the last owner could have cut
 * is read by then), then drains it (every buffered record is cut under it, as at a window change)
 * and only then moves to the mapping's layout. Each switch is recorded (options.record) before a
 * batch of the new layout is cut, so a later takeover starts under the right layout.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
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
  /** Taken over under a recorded layout other than the mapping's: no switch until a read found the tip. */
  private catchingUp: boolean;
  /** The next switch drains the planner in use instead of re-laning (after a takeover). */
  private drainBeforeSwitch: boolean;
  /** A switched-to layout being recorded: no batch is cut until it is. */
  private recording = false;

  constructor(
    private readonly mapping: () => PlannerLayout,
    private readonly plannerFor: (layout: PlannerLayout) => BatchPlanner,
    private readonly log?: Logger,
    private readonly options: PlannerSwitchOptions = {},
  ) {
    const wanted = layoutOf(mapping());
    this.currentLayout = options.recorded === undefined ? wanted : layoutOf(options.recorded);
    this.catchingUp = !sameLayout(this.currentLayout, wanted);
    this.drainBeforeSwitch = this.catchingUp;
    if (this.catchingUp) this.log?.info({ recorded: this.currentLayout, mapping: wanted }, 'taking over under the recorded batch layout until caught up');
    this.current = plannerFor(this.currentLayout);
  }

  /** The layout batches are cut under now. */
  get layout(): PlannerLayout {
    return this.currentLayout;
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
    if (this.recording) return;
    this.noticeChange();
    if (this.nextLayout !== undefined) {
      if (this.relaning()) {
        // No batch of the old lanes now: wait for those in flight, then re-file what is buffered.
        if (this.current.inFlightCount > 0) return;
        this.switchNow(this.current.takeBuffered!());
        if (this.recording) return;
      } else {
        // A planner that drains itself (windows) is told whether its records end with the shard's (none
        // wait behind them); a LaneSet is flushed as at a shard end.
        this.current.dispatchReady(limits, this.current.drain ? shardEnded && this.waiting.length === 0 : true, run);
        if (this.current.inFlightCount > 0 || this.current.bufferedCount > 0) return;
        this.switchNow([]);
        if (this.recording) return;
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
    // Woken by onRecorded.
    if (this.recording) return Number.POSITIVE_INFINITY;
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
    if (caughtUp) this.catchingUp = false;
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
    return next !== undefined && !this.drainBeforeSwitch && this.current.takeBuffered !== undefined && next.tumblingWindowInSeconds === this.currentLayout.tumblingWindowInSeconds;
  }

  /** Starts a switch when the mapping's layout differs from the one in use (or the one switching to). */
  private noticeChange(): void {
    if (this.catchingUp) return;
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
    this.drainBeforeSwitch = false;
    this.current = this.plannerFor(layout);
    const records = [...handedOver, ...this.waiting.splice(0)];
    this.log?.info({ ...layout, handedOver: handedOver.length, waiting: records.length - handedOver.length }, 'switched to the new batch layout');
    if (records.length > 0) this.current.push(records, layout.parallelizationFactor);
    const { record } = this.options;
    if (record === undefined) return;
    this.recording = true;
    void record(layout)
      .catch(() => undefined)
      .finally(() => {
        this.recording = false;
        this.options.onRecorded?.();
      });
  }
}

function layoutOf(mapping: PlannerLayout): PlannerLayout {
  return { tumblingWindowInSeconds: mapping.tumblingWindowInSeconds, parallelizationFactor: mapping.parallelizationFactor };
}
