import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { AckedRecord } from './delivery-tally.js';

export interface PacedProducerOptions {
  readonly kinesis: KinesisClient;
  readonly stream: string;
  readonly records: number;
  readonly perSecond: number;
  /** Records per PutRecords call; one call every perCall/perSecond seconds. */
  readonly perCall?: number;
}

export interface PacedProducer {
  /** Records PutRecords acknowledged so far, with their eventIDs and when each was due. */
  readonly acked: AckedRecord[];
  /** Resolves once every record was acknowledged. */
  readonly done: Promise<void>;
  /** Failed calls and failed entries, retried. */
  retries(): number;
}

/**
 * Puts `{n, key}` JSON records at a steady rate, one call at a time, each call due at a fixed time
 * from the start: a call held up (the stream service stopped) is followed by the overdue ones back
 * to back, so the total stays `records`. Failed calls and failed entries are put again; an entry
 * whose answer was lost may then be in the stream twice, only the acknowledged copy counts.
 */
export function startPacedProducer(options: PacedProducerOptions): PacedProducer {
  const perCall = options.perCall ?? 50;
  const acked: AckedRecord[] = [];
  let retries = 0;
  const startedAt = Date.now();
  const putCall = async (first: number, producedAt: number) => {
    let pending = Array.from({ length: Math.min(perCall, options.records - first) }, (_, i) => ({ n: first + i, key: `pk-${first + i}` }));
    while (pending.length > 0) {
      const answer = await options.kinesis
        .send(new PutRecordsCommand({ StreamName: options.stream, Records: pending.map((r) => ({ PartitionKey: r.key, Data: Buffer.from(JSON.stringify(r)) })) }))
        .catch(() => undefined);
      const entries = answer?.Records;
      if (entries === undefined) {
        retries += 1;
        await sleep(200);
        continue;
      }
      const failed = pending.filter((_, i) => entries[i]?.SequenceNumber === undefined);
      entries.forEach((entry) => entry.SequenceNumber !== undefined && acked.push({ eventId: `${entry.ShardId}:${entry.SequenceNumber}`, producedAt }));
      retries += failed.length;
      pending = failed;
    }
  };
  const done = (async () => {
    for (let first = 0, call = 0; first < options.records; first += perCall, call += 1) {
      const dueAt = startedAt + (call * perCall * 1000) / options.perSecond;
      if (dueAt > Date.now()) await sleep(dueAt - Date.now());
      await putCall(first, dueAt);
    }
  })();
  return { acked, done, retries: () => retries };
}
