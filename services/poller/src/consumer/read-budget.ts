/** The first read of a shard takes this many batches per lane (then reads fill the buffer)... */
export const FIRST_READ_BATCHES = 2;
/** ...and at least this many records: tiny reads cost a call each for little. */
export const FIRST_READ_MIN = 200;
/** At the shard's tip, no new read while this many batches per lane are still buffered. */
export const FED_BATCHES = 2;

export interface ReadBudgetInput {
  readonly batchSize: number;
  /** ParallelizationFactor: the shard's lanes. */
  readonly lanes: number;
  /** Records read and not yet done (buffered or in flight). */
  readonly pending: number;
  /** No read has been made yet: the shard poller just started. */
  readonly firstRead: boolean;
  /** The last read found the shard's tip (nothing new, or 0 ms behind latest). */
  readonly atTip: boolean;
}

/** Read ahead at most a few batches per lane: enough to keep lanes busy, bounded in memory. */
export function bufferCap(batchSize: number, lanes: number): number {
  return Math.max(1000, batchSize * lanes * 2);
}

/**
 * How many records the next read asks for; 0 means do not read now. Reads wait until half the
 * buffer is free, so they are few and large while the lanes drain it.
 *
 * - The first read asks for only a couple of batches: the first invocation goes out as soon as
 *   they are read (a stream service's read time grows with the records it returns: on
 *   kinesis-local 1,000 records take ~35 ms, 200 ~10 ms, and 4 shards' reads queue behind each
 *   other), and the next, larger read overlaps that batch's invocation.
 * - At the tip, a read can only bring records that would queue behind the ones buffered: while the
 *   lanes still hold a couple of batches each, it waits, sparing the stream empty reads (Kinesis
 *   allows 5 GetRecords per shard per second, shared by every consumer).
 */
export function nextReadLimit(input: ReadBudgetInput): number {
  const perRound = input.batchSize * input.lanes;
  const cap = bufferCap(input.batchSize, input.lanes);
  const room = cap - input.pending;
  if (room < cap / 2) return 0;
  if (input.atTip && input.pending >= FED_BATCHES * perRound) return 0;
  return input.firstRead ? Math.min(room, Math.max(FIRST_READ_MIN, FIRST_READ_BATCHES * perRound)) : room;
}
