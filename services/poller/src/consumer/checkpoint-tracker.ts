/**
 * Which records of a shard are fully handled. Records are added in shard order and completed in
 * any order (lanes finish independently); the checkpoint may only move to the end of the longest
 * completed prefix, so a crash never skips a record another lane has not finished.
 */
export class CheckpointTracker {
  private readonly pending: { readonly sequenceNumber: string; done: boolean }[] = [];
  private readonly bySequence = new Map<string, { readonly sequenceNumber: string; done: boolean }>();

  add(sequenceNumbers: readonly string[]): void {
    for (const sequenceNumber of sequenceNumbers) {
      const entry = { sequenceNumber, done: false };
      this.pending.push(entry);
      this.bySequence.set(sequenceNumber, entry);
    }
  }

  /** Marks records handled; returns the new checkpoint when the completed prefix grew. */
  complete(sequenceNumbers: readonly string[]): string | undefined {
    for (const sequenceNumber of sequenceNumbers) {
      const entry = this.bySequence.get(sequenceNumber);
      if (entry) entry.done = true;
    }
    let checkpoint: string | undefined;
    while (this.pending.length > 0 && this.pending[0]!.done) {
      const entry = this.pending.shift()!;
      this.bySequence.delete(entry.sequenceNumber);
      checkpoint = entry.sequenceNumber;
    }
    return checkpoint;
  }

  get pendingCount(): number {
    return this.pending.length;
  }
}
