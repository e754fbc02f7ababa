import type { Logger, QueueMessage } from '@sluice/shared';
import type { QueueSource } from './queue-source.js';

/**
 * Keeps the messages a receive loop holds (gathered for a batch, or with their batch in flight)
 * invisible: before half a visibility timeout has passed since they were received or last
 * extended, their visibility is set to a whole timeout again, so a long invocation's messages do
 * not come back and run twice while it still runs. A message let go of (deleted, or left to come
 * back after a failure) is no longer extended. Lambda documents only that it lengthens the
 * effective timeout when window + function timeout exceed it; this keeps any batch covered.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export class VisibilityKeeper {
  private readonly held = new Map<string, { readonly message: QueueMessage; extendedAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  /** When the armed check runs (epoch ms). */
  private checkAt = Number.POSITIVE_INFINITY;
  /** Bumped by stop(): a check running then does not arm another. */
  private generation = 0;
  private extending: Promise<void> | undefined;

  constructor(
    private readonly source: QueueSource,
    /** The queue's visibility timeout in seconds, as last read. */
    private readonly timeoutSeconds: () => number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.held.size;
  }

  /** Messages just received (their visibility timeout runs from now). */
  hold(messages: readonly QueueMessage[]): void {
    const at = this.now();
    for (const message of messages) this.held.set(message.receiptHandle, { message, extendedAt: at });
    if (this.held.size > 0) this.arm();
  }

  /** Messages deleted or given back: no longer extended. */
  release(messages: readonly QueueMessage[]): void {
    for (const message of messages) this.held.delete(message.receiptHandle);
    if (this.held.size === 0) this.stop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.checkAt = Number.POSITIVE_INFINITY;
    this.generation += 1;
  }

  /**
   * Arms the next check, a quarter of the visibility timeout away (at most 5 s), unless one is
   * armed sooner: the timeout is read again on every hold, so a queue whose timeout became
   * shorter is followed at once, and a check once armed is never pushed back by later holds.
   */
  private arm(): void {
    const at = this.now() + Math.min(5000, Math.max(100, (this.timeoutSeconds() * 1000) / 4));
    if (this.timer !== undefined && this.checkAt <= at) return;
    clearTimeout(this.timer);
    this.checkAt = at;
    const generation = this.generation;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.checkAt = Number.POSITIVE_INFINITY;
      void this.extendDue().finally(() => {
        if (generation === this.generation && this.held.size > 0) this.arm();
      });
    }, at - this.now());
  }

  private async extendDue(): Promise<void> {
    if (this.extending !== undefined) return;
    const timeout = this.timeoutSeconds();
    const now = this.now();
    const due = [...this.held.values()].filter((h) => now - h.extendedAt >= (timeout * 1000) / 2);
    if (due.length === 0) return;
    this.extending = this.source
      .changeVisibility(
        due.map((h) => h.message),
        timeout,
      )
      .then(() => {
        for (const h of due) h.extendedAt = now;
      })
      .catch((error: unknown) => {
        // Tried again at the next check; if the timeout lapses first the messages come back (at least once).
        this.log.warn({ err: error, messages: due.length }, 'extending the visibility of in-flight messages failed');
      })
      .finally(() => (this.extending = undefined));
    await this.extending;
  }
}
