import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InvokeCommand, UpdateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { startLocalRedisCluster, type LocalRedisCluster } from '@sluice/localstack';
import { createRedis, createRedisKeys, leaseKeys, mastersOf } from '@sluice/shared';
import { flowEnv, registerHttpFunction, type SluiceProcess } from '../helpers/sluice-process.js';
import { startAllRoles } from '../helpers/sluice-with-function.js';
import { createStreamMapping, deleteSettledMapping, sluiceLambdaClient, waitForMappingGone, waitForMappingState } from '../helpers/sluice-lambda.js';
import { startRecordingFunction, type RecordingFunction } from '../helpers/recording-function.js';
import { createTestStream, decodeKinesisData, kinesisClient, putJsonRecords } from '../helpers/kinesis-test-stream.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// The stream e2e core on a local 3-master Redis Cluster (REDIS_URL redis+cluster://...): one
// `sluice start --role all` process keeps its registry, leases, checkpoints and BullMQ queues on the
// cluster; every script and MULTI must stay within one slot (a CROSSSLOT error fails the flow).
const stack = inject('stack');
const prefix = uniqueName('e2e-cluster');
const fnName = uniqueName('cluster-fn');
let cluster: LocalRedisCluster;
let sluice: SluiceProcess;
let lambda: LambdaClient;
let kinesis: KinesisClient;
let fn: RecordingFunction;
let env: Record<string, string>;
/** The output of every Sluice process this file started (a restart starts a new one). */
const outputs: (() => string)[] = [];
/** What a script or MULTI across slots, or touching a key it did not declare, answers on a cluster. */
const CROSS_SLOT = /CROSSSLOT|non local key|undeclared key|cross.?slot/i;

async function startSluiceOnCluster(): Promise<SluiceProcess> {
  const started = await startAllRoles(env);
  outputs.push(started.output);
  return started;
}

beforeAll(async () => {
  kinesis = kinesisClient(stack.kinesisEndpoint);
  [cluster, fn] = await Promise.all([startLocalRedisCluster(), startRecordingFunction()]);
  env = flowEnv(stack, prefix, { REDIS_URL: cluster.url });
  sluice = await startSluiceOnCluster();
  lambda = sluiceLambdaClient(sluice.url);
  expect(await registerHttpFunction(sluice.url, fnName, fn.url)).toBe(201);
}, 60_000);

afterAll(async () => {
  lambda?.destroy();
  kinesis?.destroy();
  await sluice?.stop();
  await fn?.close();
  await cluster?.stop();
});

/** How often each record number from `arn` reached the function. */
function deliveries(arn: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const r of fn.records()) if (r.eventSourceARN === arn) counts.set(decodeKinesisData(r).n, (counts.get(decodeKinesisData(r).n) ?? 0) + 1);
  return counts;
}

async function waitForDelivery(arn: string, numbers: readonly number[]) {
  await waitFor(() => numbers.every((n) => deliveries(arn).has(n)), {
    timeoutMs: 20_000,
    message: () => `only ${deliveries(arn).size} of ${numbers.length} records arrived:\n${sluice.output().slice(-3000)}`,
  });
}

describe('Sluice on a Redis Cluster', () => {
  it('delivers a 2-shard stream in order per shard, keeps checkpoints over a restart, disables and enables, spreading keys over the masters', async () => {
    const name = uniqueName('cluster-stream');
    const arn = await createTestStream(kinesis, name, 2);
    const first = await putJsonRecords(kinesis, name, Array.from({ length: 40 }, (_, i) => `key-${i % 5}`), 0);
    const uuid = await createStreamMapping(lambda, fnName, { EventSourceArn: arn, BatchSize: 5 });
    await waitForDelivery(arn, first.map((p) => p.n));

    // In order per shard: sequence numbers only grow within a shard.
    const perShard = new Map<string, bigint[]>();
    for (const r of fn.records().filter((r) => r.eventSourceARN === arn)) {
      const [shardId, seq] = String(r.eventID).split(':') as [string, string];
      perShard.set(shardId, [...(perShard.get(shardId) ?? []), BigInt(seq)]);
    }
    expect(perShard.size).toBe(2);
    for (const sequence of perShard.values()) expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    // Restart: the checkpoints on the cluster hold; at most an in-flight batch (BatchSize 5 per shard) comes again.
    await waitForMappingState(lambda, uuid, 'Enabled');
    await new Promise((r) => setTimeout(r, 500));
    expect(await sluice.stop()).toBe(0);
    sluice = await startSluiceOnCluster();
    lambda.destroy();
    lambda = sluiceLambdaClient(sluice.url);
    const second = await putJsonRecords(kinesis, name, Array.from({ length: 20 }, (_, i) => `key-${i % 5}`), 100);
    await waitForDelivery(arn, second.map((p) => p.n));
    const again = [...deliveries(arn)].filter(([n, count]) => n < 100 && count > 1);
    expect(again.length).toBeLessThanOrEqual(2 * 5);

    // Disable: nothing flows; enable: what came meanwhile is delivered from the checkpoint.
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    await waitForMappingState(lambda, uuid, 'Disabled');
    await new Promise((r) => setTimeout(r, 500));
    const before = fn.records().length;
    const whileDisabled = await putJsonRecords(kinesis, name, ['a', 'b', 'c', 'd'], 200);
    await new Promise((r) => setTimeout(r, 1000));
    expect(fn.records().length).toBe(before);
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    await waitForMappingState(lambda, uuid, 'Enabled');
    await waitForDelivery(arn, whileDisabled.map((p) => p.n));
    expect([...deliveries(arn)].filter(([n, count]) => n >= 100 && count > 1)).toEqual([]);

    // The state is spread over the cluster, not one master.
    const redis = createRedis(cluster.url);
    try {
      await redis.ping(); // a cluster client knows its masters once connected
      const sizes = await Promise.all(mastersOf(redis).map((node) => node.dbsize()));
      expect(sizes).toHaveLength(3);
      expect(sizes.filter((n) => n > 0).length).toBeGreaterThan(1);
      expect(await redis.exists(leaseKeys(createRedisKeys(prefix)).mappingIndex(uuid))).toBe(1);

      // Delete: the registry's script and the mapping's leases (two slots) both go.
      await deleteSettledMapping(lambda, uuid);
      await waitForMappingGone(lambda, uuid);
      await waitFor(async () => (await redis.exists(leaseKeys(createRedisKeys(prefix)).mappingIndex(uuid))) === 0, { message: 'the deleted mapping kept its leases' });
    } finally {
      redis.disconnect();
    }
    expect(outputs.map((output) => output()).join('\n')).not.toMatch(CROSS_SLOT);
  }, 40_000);

  it('delivers an Event invoke through the async queue', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: fnName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ orderId: 'c1a5e7' })) }));
    expect(response.StatusCode).toBe(202);
    await waitFor(() => fn.events.some((e) => e.event.orderId === 'c1a5e7'), { timeoutMs: 10_000, message: () => `the event never arrived:\n${sluice.output().slice(-3000)}` });
    expect(sluice.output()).not.toMatch(CROSS_SLOT);
  });
});
