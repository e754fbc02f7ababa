import { expect } from 'vitest';
import { createLogger, createSluiceMetrics, type StreamBatchJob } from '@sluice/shared';
import type { ShardPollerDeps } from '../../../../../services/poller/src/consumer/shard-poller.js';
import { fakeLease } from './fake-leases.js';

/**
 * A ShardPoller's dependencies for unit tests: the caller names the fakes it drives (leases, source,
 * dispatcher, mapping); the rest reads shard-0 from TRIM_HORIZON, polls every 5 ms (up to 1,000
 * reads a second), backs off 1-5 ms, and logs nothing unless TEST_LOG names a level.
 */
export function testShardPollerDeps(deps: Pick<ShardPollerDeps, 'leases' | 'source' | 'dispatcher' | 'mapping'> & Partial<ShardPollerDeps>): ShardPollerDeps {
  return {
    lease: fakeLease('shard-0'),
    initialPosition: { type: 'TRIM_HORIZON' },
    reportResult: () => undefined,
    reportProblem: () => undefined,
    metrics: createSluiceMetrics(),
    logger: createLogger({ level: process.env.TEST_LOG ?? 'silent' }),
    pollIntervalMs: 5,
    readsPerSecond: 1000,
    backoff: { baseMs: 1, maxMs: 5 },
    ...deps,
  };
}

/** A dispatcher's log of jobs starting and ending, in the order they happened. */
export type JobEvents = readonly { readonly kind: 'start' | 'end'; readonly job: StreamBatchJob }[];

/**
 * Per partition key, each job starts only after the job with the key's earlier records ended, and a
 * key's records arrive in ascending sequence order. `keyOf` names the key of the record with
 * sequence number `1000 + i` (the fake shard's numbering).
 */
export function expectPerKeyOrder(events: JobEvents, keyOf: (i: number) => string): void {
  const lastEndOfKey = new Map<string, number>();
  const lastSeqOfKey = new Map<string, number>();
  const endIndex = new Map(events.flatMap((e, index) => (e.kind === 'end' ? [[e.job, index] as const] : [])));
  events.forEach((event, index) => {
    if (event.kind !== 'start') return;
    for (const record of event.job.records) {
      const seq = Number(record.seq);
      const key = keyOf(seq - 1000);
      // A later record of this key may start only once the job with the earlier ones has ended.
      expect(index, `seq ${seq} (${key}) started before that key's previous job ended`).toBeGreaterThan(lastEndOfKey.get(key) ?? -1);
      expect(seq).toBeGreaterThan(lastSeqOfKey.get(key) ?? -1);
      lastSeqOfKey.set(key, seq);
    }
    const end = endIndex.get(event.job)!;
    for (const record of event.job.records) lastEndOfKey.set(keyOf(Number(record.seq) - 1000), end);
  });
}
