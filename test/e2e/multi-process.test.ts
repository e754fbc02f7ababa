import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { registerHttpFunction, stackEnv, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { sluiceLambdaClient } from '../helpers/sluice-lambda.js';
import { startRecordingFunction, type RecordingFunction } from '../helpers/recording-function.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { createTestStream, decodeKinesisData, kinesisClient, putJsonRecords } from '../helpers/kinesis-test-stream.js';

// Three Sluice processes share an eight-shard stream; one is killed with SIGKILL mid-batch.
const stack = inject('stack');
const prefix = uniqueName('e2e-multi');
const LEASE_TTL_MS = 2000;
const env = stackEnv(stack, prefix, {
  SLUICE_STATE_SETTLE_MS: '100',
  SLUICE_LEASE_TTL_MS: String(LEASE_TTL_MS),
  SLUICE_LEASE_TAKE_INTERVAL_MS: '250',
  SLUICE_SHARD_SYNC_INTERVAL_MS: '500',
  SLUICE_WORKER_LOCK_MS: '1000',
  SLUICE_RETRY_BASE_MS: '50',
  SLUICE_RETRY_MAX_MS: '200',
});
let processes: SluiceProcess[] = [];
let fn: RecordingFunction;
let kinesis: KinesisClient;

async function leasesHeld(process: SluiceProcess, uuid: string): Promise<number> {
  const text = await (await fetch(`${process.url}/metrics`)).text();
  const match = new RegExp(`sluice_leases_held\\{mapping="${uuid}"\\} (\\d+)`).exec(text);
  return match ? Number(match[1]) : 0;
}

beforeAll(async () => {
  fn = await startRecordingFunction();
  // Each invocation takes a while, so a kill lands while batches are in flight.
  fn.respond = () => new Promise((resolve) => setTimeout(() => resolve({ status: 200 }), 150));
  kinesis = kinesisClient(stack.kinesisEndpoint);
  processes = await Promise.all([0, 1, 2].map(() => startSluice({ args: ['start', '--role', 'all'], env })));
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  kinesis?.destroy();
  await fn?.close();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

describe('several Sluice processes', () => {
  it('share the shards, survive a SIGKILL mid-batch and deliver every record, only in-flight batches twice', async () => {
    const stream = uniqueName('multi');
    const arn = await createTestStream(kinesis, stream, 8);
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `key-${i}`);
    const before = await putJsonRecords(kinesis, stream, keys(400), 0);
    const lambda = sluiceLambdaClient(processes[0]!.url);
    expect(await registerHttpFunction(processes[0]!.url, 'multi-fn', fn.url)).toBe(201);
    const { UUID: uuid } = await lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'multi-fn', EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON', BatchSize: 5 }),
    );
    lambda.destroy();

    // Leases spread fairly: 8 shards over 3 processes is 3/3/2.
    const spread = await waitFor(
      async () => {
        const held = await Promise.all(processes.map((p) => leasesHeld(p, uuid!)));
        return held.reduce((a, b) => a + b, 0) === 8 && held.every((h) => h >= 2) ? held : undefined;
      },
      { timeoutMs: 20_000, message: 'leases never spread over the three processes' },
    );
    expect([...spread].sort()).toEqual([2, 3, 3]);

    // Kill one process while invocations are in flight.
    await waitFor(() => fn.events.some((e) => !e.answered && !e.aborted), { message: 'no invocation in flight' });
    const victim = processes[1]!;
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    const survivors = [processes[0]!, processes[2]!];

    const takenOverAt = await waitFor(
      async () => {
        const held = await Promise.all(survivors.map((p) => leasesHeld(p, uuid!)));
        return held[0]! + held[1]! === 8 ? Date.now() : undefined;
      },
      { timeoutMs: 4 * LEASE_TTL_MS, message: 'the killed process’s shards were never taken over' },
    );
    expect(takenOverAt - killedAt).toBeLessThanOrEqual(2 * LEASE_TTL_MS + 500);

    const after = await putJsonRecords(kinesis, stream, keys(80), 1000);
    const all = [...before, ...after].map((p) => p.n);
    await waitFor(
      () => {
        const seen = new Set(fn.records().map((r) => decodeKinesisData(r).n));
        return all.every((n) => seen.has(n));
      },
      { timeoutMs: 60_000, message: () => `only ${new Set(fn.records().map((r) => decodeKinesisData(r).n)).size} of ${all.length} records arrived` },
    );

    // Twice only what was in flight when the process died: invocations cut off by the kill, or
    // answered just as it died (the worker may not have recorded the outcome).
    const inFlightAtKill = new Set(
      fn.events
        .filter((e) => e.receivedAt <= killedAt && (e.aborted || (e.answeredAt ?? Infinity) >= killedAt - 100))
        .flatMap((e) => e.event.Records.map((r) => decodeKinesisData(r).n)),
    );
    const counts = new Map<number, number>();
    for (const r of fn.records()) {
      const n = decodeKinesisData(r).n;
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    const twice = [...counts].filter(([, c]) => c > 1).map(([n]) => n);
    for (const n of twice) expect(inFlightAtKill.has(n), `record ${n} was delivered twice but was not in flight at the kill`).toBe(true);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);

    // Order holds per shard: first deliveries come in sequence-number order.
    const firstSeen = new Map<string, bigint[]>();
    const seen = new Set<string>();
    for (const e of fn.events) {
      for (const r of e.event.Records) {
        const id = String(r.eventID);
        if (seen.has(id)) continue;
        seen.add(id);
        const [shard, seq] = id.split(':') as [string, string];
        firstSeen.set(shard, [...(firstSeen.get(shard) ?? []), BigInt(seq)]);
      }
    }
    expect(firstSeen.size).toBe(8);
    for (const seqs of firstSeen.values()) expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});
