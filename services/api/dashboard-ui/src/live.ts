import type { Snapshot } from './wire.js';

/** One live snapshot's cumulative counters, by series key, at the server's time. */
export interface Sample {
  readonly t: number;
  readonly counters: ReadonlyMap<string, number>;
}

/** Seconds a chart spans, and the samples kept for it (one snapshot a second). */
export const HISTORY = 120;

export const shardKey = (uuid: string, shardId: string) => `shard\n${uuid}\n${shardId}`;
export const queueKey = (uuid: string, counter: 'Received' | 'Deleted' | 'Failed') => `queue\n${uuid}\n${counter}`;

/** Adds a snapshot to the history (a repeated one, served from the server's short cache, is not a new point). */
export function addSample(samples: readonly Sample[], snapshot: Snapshot): readonly Sample[] {
  if (samples.at(-1)?.t === snapshot.Time) return samples;
  const counters = new Map<string, number>();
  for (const mapping of snapshot.Mappings) {
    for (const shard of mapping.Stream?.Shards ?? []) {
      if (shard.RecordsRead !== undefined) counters.set(shardKey(mapping.UUID, shard.ShardId), shard.RecordsRead);
    }
    if (mapping.Queue !== undefined) {
      for (const counter of ['Received', 'Deleted', 'Failed'] as const) counters.set(queueKey(mapping.UUID, counter), mapping.Queue[counter]);
    }
  }
  return [...samples, { t: snapshot.Time, counters }].slice(-(HISTORY + 1));
}

/** Per second between consecutive samples; null where a sample lacks the series or it went back (a restart). */
export function rateSeries(samples: readonly Sample[], key: string): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 1; i < samples.length; i += 1) {
    const before = samples[i - 1]!.counters.get(key);
    const after = samples[i]!.counters.get(key);
    const seconds = (samples[i]!.t - samples[i - 1]!.t) / 1000;
    out.push(before === undefined || after === undefined || after < before || seconds <= 0 ? null : (after - before) / seconds);
  }
  return out;
}

/** The x axis of rateSeries: each interval's end, in epoch seconds (uPlot's time unit). */
export function rateTimes(samples: readonly Sample[]): number[] {
  return samples.slice(1).map((s) => s.t / 1000);
}

export function latestRate(samples: readonly Sample[], key: string): number | null {
  return rateSeries(samples.slice(-2), key)[0] ?? null;
}
