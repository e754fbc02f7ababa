/**
 * How many receive loops a queue mapping runs in one process, the way Lambda scales its SQS
 * pollers: one long-polling loop while the queue is idle (cheap: one ReceiveMessage per 20 s),
 * five as soon as a receive comes back full, then one more per full receive, at most one every
 * 200 ms (so never more than 300 more in any minute), up to the limit; an empty receive retires a
 * loop, down to one.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export class QueueScaler {
  private target = 1;
  private grewAt = Number.NEGATIVE_INFINITY;

  constructor(
    private limit: number,
    private readonly now: () => number = Date.now,
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
    this.target += 1;
  }
}

/** Lambda starts "processing five batches at a time with five concurrent invocations". */
const INITIAL_LOOPS = 5;
/** "Up to 300 more concurrent invokes per minute": one more loop at most every 200 ms. */
const GROWTH_INTERVAL_MS = 60_000 / 300;
