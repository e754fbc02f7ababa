import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { QueueEvents } from 'bullmq';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  awaitBatchOutcome,
  createLogger,
  createSluiceMetrics,
  enqueueStreamBatch,
  loadConfig,
  type RedisFunctionStore,
  type SluiceMetrics,
  type StreamBatchJob,
  type StreamBatchQueue,
} from '@sluice/shared';
import { startWorkerRole, type RunningWorker } from '@sluice/worker';
import '../../helpers/test-stack.js';
import { startHttpFunction, type HttpFunction } from '../../helpers/http-function.js';
import { buildFunction, buildKinesisBatchJob, kinesisSequenceNumber } from '../../helpers/stream-batch-fixture.js';
import { createTestQueue, receiveJsonMessages, type TestQueue } from '../../helpers/sqs-test-queue.js';
import { uniqueName } from '../../helpers/unique-name.js';
import { openStreamBatchQueue, type StreamBatchQueueFixture } from '../../helpers/stream-batch-queue.js';
import { waitFor } from '../../helpers/wait-for.js';

type Answer = { status: number; body: string };
type Records = { kinesis: { sequenceNumber: string } }[];

const seq = kinesisSequenceNumber;
const kinesisBatch = buildKinesisBatchJob;

/** The failure record AWS sends for the records [from, to] of `job`. */
function expectedRecord(job: StreamBatchJob, from: number, to: number, condition: string, invokeCount: number, response?: object) {
  const arrival = (i: number) => new Date(Math.round(((job.records[i] as { kinesis: { approximateArrivalTimestamp: number } }).kinesis.approximateArrivalTimestamp) * 1000)).toISOString();
  return {
    requestContext: { requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), functionArn: job.functionArn, condition, approximateInvokeCount: invokeCount },
    ...(response === undefined ? {} : { responseContext: response }),
    version: '1.0',
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    KinesisBatchInfo: {
      shardId: job.shardId,
      startSequenceNumber: seq(from),
      endSequenceNumber: seq(to),
      approximateArrivalOfFirstRecord: arrival(from),
      approximateArrivalOfLastRecord: arrival(to),
      batchSize: to - from + 1,
      streamArn: job.eventSourceArn,
    },
  };
}

// Invoke's answer for a function that ran and failed: 200 (the http function below answers 500).
const UNHANDLED = { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' };

// Bisect, ReportBatchItemFailures and on-failure destinations, through the worker role on real
// Redis (BullMQ) with SQS, SNS and S3 in moto server.
describe('stream batch failures', () => {
  const { redisUrl, motoEndpoint } = inject('stack');
  const aws = { endpoint: motoEndpoint, region: 'us-east-1' };
  const sqs = new SQSClient(aws);
  const sns = new SNSClient(aws);
  const s3 = new S3Client({ ...aws, forcePathStyle: true });
  let batches: StreamBatchQueueFixture;
  let prefix: string;
  let queue: StreamBatchQueue;
  let events: QueueEvents;
  let functions: RedisFunctionStore;
  let metrics: SluiceMetrics;
  let worker: RunningWorker | undefined;
  let fn: HttpFunction;
  let respond: (records: Records, call: number) => Answer;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    fn = await startHttpFunction((call, res) => {
      const answer = respond((JSON.parse(call.body) as { Records: Records }).Records, fn.calls.length);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  afterAll(async () => {
    await fn.close();
    for (const client of [sqs, sns, s3]) client.destroy();
  });

  beforeEach(async () => {
    batches = await openStreamBatchQueue(redisUrl, 'failures');
    ({ prefix, queue, events, functions } = batches);
    await functions.create(buildFunction('orders', { type: 'http', url: fn.url }));
    metrics = createSluiceMetrics();
    fn.calls.length = 0;
    const config = loadConfig({ REDIS_URL: redisUrl, SLUICE_REDIS_PREFIX: prefix, SLUICE_RETRY_BASE_MS: '20', SLUICE_RETRY_MAX_MS: '100', AWS_ENDPOINT_URL: motoEndpoint });
    worker = await startWorkerRole(config, { logger: createLogger({ level: 'silent' }), metrics });
  });

  afterEach(async () => {
    await worker?.stop();
    await Promise.all(cleanups.splice(0).map((c) => c().catch(() => undefined)));
    await batches.close();
  });

  const run = async (job: StreamBatchJob) => awaitBatchOutcome(await enqueueStreamBatch(queue, job), events);
  const calls = () => fn.calls.map((c) => (JSON.parse(c.body) as { Records: Records }).Records.map((r) => r.kinesis.sequenceNumber));
  const ok: Answer = { status: 200, body: 'null' };
  const boom: Answer = { status: 500, body: '{"errorMessage":"boom"}' };
  const failures = (...ids: (string | null)[]) => ({ status: 200, body: JSON.stringify({ batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) }) });

  async function sqsQueue(name = uniqueName('dlq')): Promise<TestQueue> {
    const queue = await createTestQueue(sqs, name);
    cleanups.push(queue.delete);
    return queue;
  }

  const receiveAll = (url: string, expected: number) => receiveJsonMessages(sqs, url, { atLeast: expected });

  it('bisect isolates one poison record in a batch of 100; the rest are delivered once, in order', async () => {
    const dlq = await sqsQueue();
    const job = kinesisBatch(100, { bisectBatchOnFunctionError: true, maximumRetryAttempts: 0, onFailureDestination: dlq.arn });
    respond = (records) => (records.some((r) => r.kinesis.sequenceNumber === seq(37)) ? boom : ok);

    const outcome = await run(job);

    expect(outcome).toMatchObject({ status: 'discarded', condition: 'RetryAttemptsExhausted' });
    const succeeded = calls().filter((c) => !c.includes(seq(37)));
    expect(succeeded.flat()).toEqual(Array.from({ length: 100 }, (_, i) => seq(i)).filter((s) => s !== seq(37)));
    const poisonCalls = calls().filter((c) => c.includes(seq(37))).length;
    expect(await receiveAll(dlq.url, 1)).toEqual([expectedRecord(job, 37, 37, 'RetryAttemptsExhausted', poisonCalls, UNHANDLED)]);
  });

  describe('ReportBatchItemFailures', () => {
    const flagged = (overrides: Partial<StreamBatchJob> = {}) => kinesisBatch(8, { functionResponseTypes: ['ReportBatchItemFailures'], ...overrides });

    it('checkpoints before the lowest failed sequence number and retries from it', async () => {
      respond = (_records, call) => (call === 1 ? failures(seq(5), seq(3)) : failures());

      const outcome = await run(flagged());

      expect(outcome).toEqual({ status: 'succeeded', invocations: 2, lastSequenceNumber: seq(7) });
      expect(calls()).toEqual([Array.from({ length: 8 }, (_, i) => seq(i)), [3, 4, 5, 6, 7].map(seq)]);
    });

    it.each([
      ['an empty response', ''],
      ['a null response', 'null'],
      ['an empty list', '{"batchItemFailures":[]}'],
      ['a null list', '{"batchItemFailures":null}'],
    ])('counts %s as complete success', async (_name, body) => {
      respond = () => ({ status: 200, body });

      expect(await run(flagged())).toEqual({ status: 'succeeded', invocations: 1, lastSequenceNumber: seq(7) });
      expect(fn.calls).toHaveLength(1);
    });

    it.each([
      ['an empty itemIdentifier', failures('')],
      ['a null itemIdentifier', failures(null)],
      ['a malformed itemIdentifier', failures('not-a-sequence-number')],
      ['an identifier not in the batch', failures('1')],
      ['a misspelled key', { status: 200, body: JSON.stringify({ batchItemFailures: [{ itemIdentifer: seq(3) }] }) }],
    ])('retries the whole batch on %s', async (_name, answer) => {
      respond = (_records, call) => (call === 1 ? answer : ok);

      expect(await run(flagged())).toEqual({ status: 'succeeded', invocations: 2, lastSequenceNumber: seq(7) });
      expect(calls()[1]).toEqual(calls()[0]);
    });

    it('ignores the response without the flag', async () => {
      respond = () => failures(seq(3));

      expect(await run(kinesisBatch(8))).toEqual({ status: 'succeeded', invocations: 1, lastSequenceNumber: seq(7) });
    });

    it('with bisect too, cuts at the returned sequence number and retries only the remainder', async () => {
      respond = (records, call) => (call === 1 ? failures(seq(6)) : ok);

      expect(await run(flagged({ bisectBatchOnFunctionError: true }))).toEqual({ status: 'succeeded', invocations: 2, lastSequenceNumber: seq(7) });
      expect(calls()[1]).toEqual([6, 7].map(seq));
    });

    it('discards the failing remainder when the budget is spent, with its own failure record', async () => {
      const dlq = await sqsQueue();
      respond = () => failures(seq(5));
      const job = flagged({ maximumRetryAttempts: 1, onFailureDestination: dlq.arn });

      expect(await run(job)).toMatchObject({ status: 'discarded', condition: 'RetryAttemptsExhausted', invocations: 2 });
      expect(calls()[1]).toEqual([5, 6, 7].map(seq));
      expect(await receiveAll(dlq.url, 1)).toEqual([expectedRecord(job, 5, 7, 'RetryAttemptsExhausted', 2, { statusCode: 200, executedVersion: '$LATEST' })]);
    });
  });

  describe('on-failure destinations', () => {
    const exhausted = (destination: string) => kinesisBatch(3, { maximumRetryAttempts: 1, onFailureDestination: destination });
    // Another shard, so its deterministic job id differs from the exhausted batch's.
    const tooOld = (destination: string) =>
      kinesisBatch(3, { shardId: 'shardId-000000000001', maximumRecordAgeInSeconds: 60, onFailureDestination: destination }, Date.now() - 61_000);

    it('sends AWS failure records to SQS for retry exhaustion and record age', async () => {
      const dlq = await sqsQueue();
      respond = () => boom;
      const a = exhausted(dlq.arn);
      const b = tooOld(dlq.arn);

      await run(a);
      await run(b);

      const bodies = await receiveAll(dlq.url, 2);
      expect(bodies).toEqual([expectedRecord(a, 0, 2, 'RetryAttemptsExhausted', 2, UNHANDLED), expectedRecord(b, 0, 2, 'RecordAgeExceeded', 0)]);
    });

    it('publishes AWS failure records to SNS', async () => {
      const dlq = await sqsQueue();
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
      cleanups.push(() => sns.send(new DeleteTopicCommand({ TopicArn })));
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: dlq.arn, Attributes: { RawMessageDelivery: 'true' } }));
      respond = () => boom;
      const a = exhausted(TopicArn!);
      const b = tooOld(TopicArn!);

      await run(a);
      await run(b);

      const bodies = await receiveAll(dlq.url, 2);
      expect(bodies).toEqual([expectedRecord(a, 0, 2, 'RetryAttemptsExhausted', 2, UNHANDLED), expectedRecord(b, 0, 2, 'RecordAgeExceeded', 0)]);
    });

    it('puts AWS failure records with the records to S3 at the Lambda key layout', async () => {
      const bucket = uniqueName('dlq').toLowerCase().replace(/[^a-z0-9-]/g, '-');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      respond = () => boom;
      const a = exhausted(`arn:aws:s3:::${bucket}`);
      const b = tooOld(`arn:aws:s3:::${bucket}`);

      await run(a);
      await run(b);

      const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      expect(Contents).toHaveLength(2);
      const objects = await Promise.all(
        Contents!.map(async ({ Key }) => {
          expect(Key).toMatch(new RegExp(`^aws/lambda/${a.mappingId}/(${a.shardId}|${b.shardId})/\\d{4}/\\d\\d/\\d\\d/\\d{4}-\\d\\d-\\d\\dT\\d\\d\\.\\d\\d\\.\\d\\d-[0-9a-f-]{36}$`));
          const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body!.transformToString();
          return JSON.parse(body) as { requestContext: { condition: string } };
        }),
      );
      objects.sort((x, y) => x.requestContext.condition.localeCompare(y.requestContext.condition));
      expect(objects).toEqual([
        { ...expectedRecord(b, 0, 2, 'RecordAgeExceeded', 0), payload: { Records: b.records } },
        { ...expectedRecord(a, 0, 2, 'RetryAttemptsExhausted', 2, UNHANDLED), payload: { Records: a.records } },
      ]);
    });

    it('retries a destination that is down until the record is delivered, without spending the function budget', async () => {
      const probe = await sqsQueue();
      const name = uniqueName('late');
      const arn = probe.arn.replace(/[^:]+$/, name);
      respond = () => boom;
      const job = exhausted(arn);
      const outcome = awaitBatchOutcome(await enqueueStreamBatch(queue, job), events);
      await waitFor(async () => (await metrics.destinationDeliveries.get()).values.find((v) => v.labels.outcome === 'failed' && v.value >= 3), {
        message: 'three failed deliveries',
      });

      const late = await sqsQueue(name);

      expect(await outcome).toMatchObject({ status: 'discarded', condition: 'RetryAttemptsExhausted', invocations: 2 });
      expect(fn.calls).toHaveLength(2);
      expect(await receiveAll(late.url, 1)).toEqual([expectedRecord(job, 0, 2, 'RetryAttemptsExhausted', 2, UNHANDLED)]);
      const delivered = (await metrics.destinationDeliveries.get()).values.find((v) => v.labels.outcome === 'delivered');
      expect(delivered?.value).toBe(1);
    });
  });
});
