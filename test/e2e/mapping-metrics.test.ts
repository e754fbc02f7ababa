import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { DeleteStreamCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createTestStream, kinesisClient } from '../helpers/kinesis-test-stream.js';
import { createSourceQueue, sqsClient, type SourceQueue } from '../helpers/sqs-source-queue.js';
import { createTestQueue, receiveJsonMessages, type TestQueue } from '../helpers/sqs-test-queue.js';
import { startSluiceWithFunction, type SluiceWithFunction } from '../helpers/sluice-with-function.js';
import type { SluiceProcess } from '../helpers/sluice-process.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// MetricsConfig EventCount: a mapping that turns it on has Lambda's event counts, by AWS's names,
// on /metrics (sluice_esm_<metric>_total{mapping}); one that does not has none. Records flow from
// kinesis-local and moto's SQS through one Sluice process to a recording function.
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics
const stack = inject('stack');
const functionName = uniqueName('metrics-fn');
const streams = { counted: uniqueName('metrics-counted'), dropping: uniqueName('metrics-dropping'), silent: uniqueName('metrics-silent') };
let harness: SluiceWithFunction<SluiceProcess>;
let kinesis: KinesisClient;
let sqs: SQSClient;
let failures: TestQueue;
let source: SourceQueue;
const arns: Record<keyof typeof streams, string> = { counted: '', dropping: '', silent: '' };

/** Every sample of one metric on /metrics, by its `mapping` label (the first; other labels summed over). */
async function samples(name: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${harness.sluice.url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const match of text.matchAll(new RegExp(`^${name}\\{mapping="([^"]+)"[^}]*\\} (\\S+)$`, 'gm'))) out.set(match[1]!, (out.get(match[1]!) ?? 0) + Number(match[2]));
  return out;
}

/** A mapping's Lambda event counts as /metrics has them (absent ones omitted). */
async function eventCounts(uuid: string): Promise<Record<string, number>> {
  const names = {
    PolledEventCount: 'sluice_esm_polled_event_count_total',
    FilteredOutEventCount: 'sluice_esm_filtered_out_event_count_total',
    InvokedEventCount: 'sluice_esm_invoked_event_count_total',
    FailedInvokeEventCount: 'sluice_esm_failed_invoke_event_count_total',
    DroppedEventCount: 'sluice_esm_dropped_event_count_total',
    DeletedEventCount: 'sluice_esm_deleted_event_count_total',
    OnFailureDestinationDeliveredEventCount: 'sluice_esm_on_failure_destination_delivered_event_count_total',
  };
  const out: Record<string, number> = {};
  for (const [aws, prometheus] of Object.entries(names)) {
    const value = (await samples(prometheus)).get(uuid);
    if (value !== undefined) out[aws] = value;
  }
  return out;
}

beforeAll(async () => {
  kinesis = kinesisClient(stack.kinesisEndpoint);
  sqs = sqsClient(stack.motoEndpoint);
  [arns.counted, arns.dropping, arns.silent, failures, source, harness] = await Promise.all([
    createTestStream(kinesis, streams.counted, 1),
    createTestStream(kinesis, streams.dropping, 1),
    createTestStream(kinesis, streams.silent, 1),
    createTestQueue(sqs, uniqueName('metrics-failures')),
    createSourceQueue(sqs, uniqueName('metrics-source')),
    startSluiceWithFunction(stack, { prefix: uniqueName('e2e-metrics'), functionName }),
  ]);
  // A batch with a record asking to fail fails as a whole (a function error); SQS batches take a while, so receive loops stay busy.
  harness.fn.respond = async (event) => {
    if (event.Records[0]?.['eventSource'] === 'aws:sqs') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { status: 200, body: {} };
    }
    return event.Records.some((r) => decodes(r).fail === true) ? { status: 500, body: { errorMessage: 'asked to fail' } } : { status: 200, body: {} };
  };
});

/** The JSON a Kinesis record carries. */
function decodes(record: Record<string, unknown>): { fail?: boolean } {
  return JSON.parse(Buffer.from((record['kinesis'] as { data: string }).data, 'base64').toString('utf8')) as { fail?: boolean };
}

afterAll(async () => {
  await harness?.close();
  await Promise.allSettled([...Object.values(streams).map((name) => kinesis.send(new DeleteStreamCommand({ StreamName: name }))), failures?.delete(), source?.delete()]);
  kinesis?.destroy();
  sqs?.destroy();
});

async function streamMapping(arn: string, extra: Record<string, unknown>): Promise<string> {
  const created = await harness.lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: functionName, EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON', MaximumRetryAttempts: 0, BatchSize: 10, ...extra }),
  );
  return created.UUID!;
}

describe('MetricsConfig EventCount on /metrics', () => {
  it('counts a Kinesis mapping\'s polled, filtered-out, invoked, failed and destination-delivered events, the dropped ones of another, and nothing for one without it', async () => {
    const counted = await streamMapping(arns.counted, {
      MetricsConfig: { Metrics: ['EventCount'] },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { kind: ['keep'] } }) }] },
      DestinationConfig: { OnFailure: { Destination: failures.arn } },
    });
    const dropping = await streamMapping(arns.dropping, { MetricsConfig: { Metrics: ['EventCount'] } });
    const silent = await streamMapping(arns.silent, {});

    // 4 delivered, 3 filtered out; then 2 that fail once (MaximumRetryAttempts 0) and go to the destination.
    await putRecords(streams.counted, [...Array(4).fill({ kind: 'keep' }), ...Array(3).fill({ kind: 'drop' })]);
    await waitFor(async () => (await eventCounts(counted)).InvokedEventCount === 4, { timeoutMs: 30_000, message: 'the 4 kept records were never invoked' });
    await putRecords(streams.counted, [{ kind: 'keep', fail: true }, { kind: 'keep', fail: true }]);
    const delivered = await receiveJsonMessages(sqs, failures.url, { atLeast: 1, timeoutMs: 30_000 });
    expect(delivered[0]).toMatchObject({ requestContext: { condition: 'RetryAttemptsExhausted' }, responseContext: { statusCode: 200, functionError: 'Unhandled' } });
    await waitFor(async () => (await eventCounts(counted)).OnFailureDestinationDeliveredEventCount === 2, { timeoutMs: 30_000, message: 'the 2 failed records were never reported delivered' });
    expect(await eventCounts(counted)).toEqual({ PolledEventCount: 9, FilteredOutEventCount: 3, InvokedEventCount: 6, FailedInvokeEventCount: 2, OnFailureDestinationDeliveredEventCount: 2 });

    // Without a destination a discarded record is Lambda's DroppedEventCount (Sluice parks it in its dead-letter store).
    await putRecords(streams.dropping, [{ kind: 'x', fail: true }]);
    await waitFor(async () => (await eventCounts(dropping)).DroppedEventCount === 1, { timeoutMs: 30_000, message: 'the failed record was never counted dropped' });
    expect(await eventCounts(dropping)).toEqual({ PolledEventCount: 1, InvokedEventCount: 1, FailedInvokeEventCount: 1, DroppedEventCount: 1 });

    // A mapping without MetricsConfig flows (Sluice's own counters see it) and has no event counts.
    await putRecords(streams.silent, [{ kind: 'x' }]);
    await waitFor(() => harness.fn.events.some((e) => e.event.Records[0]?.['eventSourceARN'] === arns.silent), { timeoutMs: 30_000, message: 'the silent mapping never delivered' });
    expect((await samples('sluice_records_read_total')).get(silent)).toBe(1);
    expect(await eventCounts(silent)).toEqual({});
  });

  it('counts an SQS mapping\'s polled, filtered-out, invoked and deleted messages, and ProvisionedPollerConfig.MaximumPollers caps its receive loops', async () => {
    const created = await harness.lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: functionName,
        EventSourceArn: source.arn,
        BatchSize: 10,
        MetricsConfig: { Metrics: ['EventCount'] },
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ['keep'] } }) }] },
        ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 2 },
      }),
    );
    const uuid = created.UUID!;
    const keep = Array.from({ length: 60 }, (_, i) => JSON.stringify({ kind: 'keep', i }));
    const drop = Array.from({ length: 5 }, (_, i) => JSON.stringify({ kind: 'drop', i }));
    // Full receives make the scaler want 5 loops at once (queue-scaler.ts); the mapping allows 2.
    let mostLoops = 0;
    const watch = setInterval(() => {
      void samples('sluice_queue_pollers').then((loops) => (mostLoops = Math.max(mostLoops, loops.get(uuid) ?? 0)), () => undefined);
    }, 50);
    try {
      await source.send([...keep, ...drop]);
      await waitFor(async () => (await eventCounts(uuid)).InvokedEventCount === 60 && (await eventCounts(uuid)).DeletedEventCount === 65, {
        timeoutMs: 60_000,
        intervalMs: 200,
        message: 'the queue never drained (60 invoked, 65 deleted)',
      });
    } finally {
      clearInterval(watch);
    }
    const counts = await eventCounts(uuid);
    // A message a loop gave back when it retired is received (polled, and maybe filtered) again, as on AWS.
    expect(counts.PolledEventCount).toBeGreaterThanOrEqual(65);
    expect(counts.FilteredOutEventCount).toBeGreaterThanOrEqual(5);
    expect(counts).toMatchObject({ InvokedEventCount: 60, DeletedEventCount: 65 });
    expect(counts.FailedInvokeEventCount).toBeUndefined();
    expect(mostLoops).toBe(2);
  });
});

/** One PutRecords of these JSON records, in order. */
async function putRecords(stream: string, records: readonly Record<string, unknown>[]): Promise<void> {
  const out = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: records.map((r, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(JSON.stringify(r)) })) }));
  if ((out.FailedRecordCount ?? 0) > 0) throw new Error(`PutRecords failed for ${out.FailedRecordCount} records`);
}
