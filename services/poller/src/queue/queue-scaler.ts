import type { LoadProbe } from './event-loop-load.js';

/**
 * How many receive loops a queue mapping runs in one process, the way Lambda scales its SQS
 * pollers: one long-polling loop while the queue is idle (cheap: one ReceiveMessage per 20 s),
 * five as soon as a receive comes back full, then one more per full receive, at most one every
 * 200 ms (so never more than 300 more in any minute), up to the limit; an empty receive retires a
 * loop, down to one.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 *
 * Lambda adds pollers on a fleet, each with CPU of its own; here every loop of a process shares one
 * event loop. Past Lambda's first five, a loop is added only if the process's event loop was not
 * saturated since the last growth step (`load`, at most SATURATED): once the process is CPU-bound,
 * another loop adds no throughput (the loops only wait longer for the one thread, and each holds
 * ten more messages invisible meanwhile), so the target holds where it is until the load drops.
 * Other processes polling the same queue still grow on their own load, as Lambda's fleet does.
 */
export class QueueScaler {
  private target = 1;
  private grewAt = Number.NEGATIVE_INFINITY;

  constructor(
    private limit: number,
    private readonly now: () => number = Date.now,
    /** The process's event loop load since the last reading (event-loop-load.ts); never saturated by default. */
    private readonly load: LoadProbe = () => 0,
  ) {}

  /** Loops wanted now. */
  get desired(): number {
    return Math.min(this.target, this.limit);
  }

  /** MaximumConcurrency (or Lambda's 1,250) within this process's cap; applied from the next decision. */
  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
    this.target = Math.min(this.target, this.limit);
  }

  /**
   * A receive asked for `requested` messages and got `received`. Full: the queue has a backlog, so
   * grow; empty: shrink. Returns whether the calling loop should retire (there are more than wanted).
   */
  onReceive(received: number, requested: number, loops: number): boolean {
    if (received > 0 && received >= requested) this.grow();
    else if (received === 0) this.target = Math.max(1, this.target - 1);
    return loops > this.desired;
  }

  /** A loop found every MaximumConcurrency slot taken: one loop fewer would do. */
  onThrottled(loops: number): boolean {
    this.target = Math.max(1, Math.min(this.target, loops - 1));
    return loops > this.desired;
  }

  private grow(): void {
    if (this.target >= this.limit) return;
    if (this.target < INITIAL_LOOPS) {
      this.target = Math.min(INITIAL_LOOPS, this.limit);
      return;
    }
    const now = this.now();
    if (now - this.grewAt < GROWTH_INTERVAL_MS) return;
    this.grewAt = now;
    // Read once per growth step, so the load is the load since the last step (at least 200 ms).
    if (this.load() > SATURATED) return;
    this.target += 1;
  }
}

/** Lambda starts "processing five batches at a time with five concurrent invocations". */
const INITIAL_LOOPS = 5;
/** "Up to 300 more concurrent invokes per minute": one more loop at most every 200 ms. */
const GROWTH_INTERVAL_MS = 60_000 / 300;
/**
 * Event loop utilization above which the process counts as CPU-bound: another loop would only
 * queue for the same thread. Not 1: the loop is idle for moments even when work is always waiting.
 */
const SATURATED = 0.9;
