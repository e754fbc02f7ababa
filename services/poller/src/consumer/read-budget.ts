/** The first read of a shard takes this many batches per lane (then reads fill the buffer)... */
export const FIRST_READ_BATCHES = 2;
/** ...and at least this many records: tiny reads cost a call each for little. */
export const FIRST_READ_MIN = 200;
/** At the shard's tip, no new read while this many batches per lane are still buffered. */
export const FED_BATCHES = 2;
/** The first read is small only when the next one may follow within this long (the read share's interval). */
export const SMALL_FIRST_READ_MAX_INTERVAL_MS = 100;

export interface ReadBudgetInput {
  readonly batchSize: number;
  /** ParallelizationFactor: the shard's lanes. */
  readonly lanes: number;
  /** Records read and not yet done (buffered or in flight). */
  readonly pending: number;
  /** No read has been made yet: the shard poller just started. */
  readonly firstRead: boolean;
  /** The least time between two reads of the shard (1 / SLUICE_SHARD_READS_PER_SECOND). */
  readonly readIntervalMs: number;
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
 * - The first read asks for only a couple of batches when the next read may follow soon: the
 *   first invocation goes out as soon as they are read (a stream service's read time grows with
 *   the records it returns: on kinesis-local 1,000 records take ~35 ms, 200 ~10 ms, and 4 shards'
 *   reads queue behind each other), and the next, larger read overlaps that batch's invocation.
 *   With reads paced to the share (2.5 a second: 400 ms apart) the next read is far off, so the
 *   first one takes the whole room: a backlog drains in fewer, fuller reads (the drain bench: 0.68
 *   of the raw loop against 0.45 with a small first read), the first invocation a read's time later.
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
  const smallFirst = input.firstRead && input.readIntervalMs <= SMALL_FIRST_READ_MAX_INTERVAL_MS;
  return smallFirst ? Math.min(room, Math.max(FIRST_READ_MIN, FIRST_READ_BATCHES * perRound)) : room;
}
