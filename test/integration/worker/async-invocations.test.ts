import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Redis } from 'ioredis';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  RedisConcurrencyLimiter,
  RedisDeadLetterStore,
  RedisEventInvokeConfigStore,
  RedisFunctionStore,
  createAsyncInvocationQueue,
  createDeadLetterReplayQueue,
  createLogger,
  createRedis,
  createRedisKeys,
  createSluiceMetrics,
  enqueueAsyncInvocation,
  enqueueDeadLetterReplay,
  eventInvokeConfigKey,
  loadConfig,
  type AsyncInvocationQueue,
  type DeadLetterReplayQueue,
  type EventInvokeConfig,
  type FunctionDefinition,
  type SluiceMetrics,
} from '@sluice/shared';
import { startWorkerRole, type AsyncInvocationOutcome, type RunningWorker } from '@sluice/worker';
import '../../helpers/test-stack.js';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { startHttpFunction, type HttpFunction } from '../../helpers/http-function.js';
import { lambdaError, lambdaResult, startStubLambdaEndpoint, type StubLambdaEndpoint } from '../../helpers/stub-lambda-endpoint.js';
import { buildFunction } from '../../helpers/stream-batch-fixture.js';
import { createTestQueue, receiveJsonMessages, type TestQueue } from '../../helpers/sqs-test-queue.js';
import { uniqueName } from '../../helpers/unique-name.js';
import { waitFor } from '../../helpers/wait-for.js';

interface Answer {
  readonly status: number;
  readonly body: string;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const BOOM = '{"errorType":"Error","errorMessage":"boom"}';
/** Shortened function-error delays: 150 ms before the 2nd attempt, 300 ms before the 3rd. */
const DELAYS = [150, 300];

// Asynchronous invocations through the worker role: BullMQ on real Redis, destinations in moto
// server (SQS, SNS, S3), functions over HTTP, throttles injected by a stub Lambda endpoint.
describe('asynchronous invocations', () => {
  const { redisUrl, motoEndpoint } = inject('stack');
  const aws = { endpoint: motoEndpoint, region: 'us-east-1' };
  const sqs = new SQSClient(aws);
  const sns = new SNSClient(aws);
  const s3 = new S3Client({ ...aws, forcePathStyle: true });
  let prefix: string;
  let redis: Redis;
  let storeRedis: Redis;
  let queue: AsyncInvocationQueue;
  let replays: DeadLetterReplayQueue;
  let functions: RedisFunctionStore;
  let configs: RedisEventInvokeConfigStore;
  let deadLetters: RedisDeadLetterStore;
  let metrics: SluiceMetrics;
  let worker: RunningWorker | undefined;
  let fn: HttpFunction;
  let respond: (call: number) => Answer;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    fn = await startHttpFunction((_call, res) => {
      const answer = respond(fn.calls.length);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  afterAll(async () => {
    await fn.close();
    for (const client of [sqs, sns, s3]) client.destroy();
  });

  beforeEach(async () => {
    prefix = uniqueName('async');
    redis = createRedis(redisUrl, { forBullmq: true });
    const keys = createRedisKeys(prefix);
    queue = createAsyncInvocationQueue(redis, keys);
    replays = createDeadLetterReplayQueue(redis, keys);
    storeRedis = createRedis(redisUrl);
    functions = new RedisFunctionStore(storeRedis, keys);
    configs = new RedisEventInvokeConfigStore(storeRedis, keys);
    deadLetters = new RedisDeadLetterStore(storeRedis, keys);
    await functions.create(buildFunction('orders', { type: 'http', url: fn.url }));
    metrics = createSluiceMetrics();
    fn.calls.length = 0;
    respond = () => ({ status: 500, body: BOOM });
  });

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await Promise.all(cleanups.splice(0).map((c) => c().catch(() => undefined)));
    await queue.close();
    await replays.close();
    await redis.quit();
    await storeRedis.quit();
    await deleteRedisPrefix(redisUrl, prefix);
  });

  async function start(env: Record<string, string> = {}) {
    const config = loadConfig({
      REDIS_URL: redisUrl,
      SLUICE_REDIS_PREFIX: prefix,
      AWS_ENDPOINT_URL: motoEndpoint,
      SLUICE_ASYNC_RETRY_DELAYS_MS: DELAYS.join(','),
      SLUICE_ASYNC_BACKOFF_BASE_MS: '20',
      SLUICE_ASYNC_BACKOFF_MAX_MS: '100',
      ...env,
    });
    worker = await startWorkerRole(config, { logger: createLogger({ level: 'silent' }), metrics });
  }

  async function configure(functionName: string, settings: Partial<EventInvokeConfig>) {
    await configs.put({ functionName, qualifier: '$LATEST', lastModified: Date.now(), ...settings });
  }

  async function invokeAsync(event: unknown, options: { functionName?: string; acceptedAt?: number } = {}): Promise<string> {
    const requestId = crypto.randomUUID();
    await enqueueAsyncInvocation(queue, { requestId, functionName: options.functionName ?? 'orders', payload: JSON.stringify(event), acceptedAt: options.acceptedAt ?? Date.now(), origin: 'invoke' });
    return requestId;
  }

  async function outcome(requestId: string): Promise<AsyncInvocationOutcome> {
    return waitFor(async () => {
      const job = await queue.getJob(requestId);
      return job !== undefined && (await job.isCompleted()) ? (job.returnvalue as unknown as AsyncInvocationOutcome) : undefined;
    }, { message: `event ${requestId} never finished`, timeoutMs: 20_000 });
  }

  async function sqsQueue(name = uniqueName('dest')): Promise<TestQueue> {
    const queue = await createTestQueue(sqs, name);
    cleanups.push(queue.delete);
    return queue;
  }

  /** The first message to arrive in the queue, parsed. */
  const receiveOne = async (url: string): Promise<unknown> => (await receiveJsonMessages(sqs, url, { message: `no message in ${url}` }))[0];

  /** AWS's record (aws-facts 2.5) as the whole document a destination must receive. */
  function expectedRecord(requestId: string, condition: string, count: number, event: unknown, response?: { statusCode: number; functionError?: string; payload: unknown }) {
    return {
      version: '1.0',
      timestamp: expect.stringMatching(ISO),
      requestContext: { requestId, functionArn: `${ARN('orders')}:$LATEST`, condition, approximateInvokeCount: count },
      requestPayload: event,
      ...(response === undefined
        ? {}
        : {
            responseContext: { statusCode: response.statusCode, executedVersion: '$LATEST', ...(response.functionError ? { functionError: response.functionError } : {}) },
            responsePayload: response.payload,
          }),
    };
  }

  it('a function that always fails runs 3 times at the configured delays, then its RetriesExhausted record reaches SQS', async () => {
    const dlq = await sqsQueue();
    await configure('orders', { onFailure: dlq.arn });
    await start();
    const event = { orderId: '9e07af03' };

    const requestId = await invokeAsync(event);

    expect(await outcome(requestId)).toEqual({ condition: 'RetriesExhausted', invocations: 3, deliveredTo: dlq.arn });
    expect(fn.calls.map((c) => [JSON.parse(c.body), c.headers['x-amzn-requestid']])).toEqual([
      [event, requestId],
      [event, requestId],
      [event, requestId],
    ]);
    expect(await receiveOne(dlq.url)).toEqual(expectedRecord(requestId, 'RetriesExhausted', 3, event, { statusCode: 200, functionError: 'Unhandled', payload: JSON.parse(BOOM) }));
    const retries = (await metrics.asyncRetries.get()).values.map((v) => ({ ...v.labels, value: v.value }));
    expect(retries).toEqual([{ function: 'orders', reason: 'function_error', value: 2 }]);
  });

  it('waits the configured delays between attempts (at least 150 ms, then at least 300 ms)', async () => {
    await configure('orders', { maximumRetryAttempts: 2 });
    const times: number[] = [];
    respond = () => {
      times.push(Date.now());
      return { status: 500, body: BOOM };
    };
    await start();

    await outcome(await invokeAsync({ n: 1 }));

    expect(times).toHaveLength(3);
    // Lower bounds only: BullMQ never runs a delayed job early; how much later depends on the machine.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(DELAYS[0]!);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(DELAYS[1]!);
  });

  it('discards an event older than MaximumEventAgeInSeconds with EventAgeExceeded, without invoking it', async () => {
    const dlq = await sqsQueue();
    await configure('orders', { onFailure: dlq.arn, maximumEventAgeInSeconds: 60 });
    await start();

    const requestId = await invokeAsync({ old: true }, { acceptedAt: Date.now() - 61_000 });

    expect(await outcome(requestId)).toEqual({ condition: 'EventAgeExceeded', invocations: 0, deliveredTo: dlq.arn });
    expect(fn.calls).toHaveLength(0);
    expect(await receiveOne(dlq.url)).toEqual(expectedRecord(requestId, 'EventAgeExceeded', 0, { old: true }));
  });

  it('gives up with EventAgeExceeded after one failure when the 1 minute retry would start past a 60 s maximum age (AWS-recorded)', async () => {
    const dlq = await sqsQueue();
    await configure('orders', { onFailure: dlq.arn, maximumEventAgeInSeconds: 60 });
    await start({ SLUICE_ASYNC_RETRY_DELAYS_MS: '60000,120000' });

    const requestId = await invokeAsync({ young: true });

    expect(await outcome(requestId)).toEqual({ condition: 'EventAgeExceeded', invocations: 1, deliveredTo: dlq.arn });
    expect(await receiveOne(dlq.url)).toEqual(expectedRecord(requestId, 'EventAgeExceeded', 1, { young: true }, { statusCode: 200, functionError: 'Unhandled', payload: JSON.parse(BOOM) }));
  });

  it('sends a Success record to OnSuccess (an SNS topic, delivered raw to an SQS subscriber)', async () => {
    const subscriber = await sqsQueue();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('ok') }));
    cleanups.push(() => sns.send(new DeleteTopicCommand({ TopicArn })));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: subscriber.arn, Attributes: { RawMessageDelivery: 'true' } }));
    await configure('orders', { onSuccess: TopicArn! });
    respond = () => ({ status: 200, body: '{"ok":true}' });
    await start();

    const requestId = await invokeAsync({ orderId: 'a1' });

    expect(await outcome(requestId)).toEqual({ condition: 'Success', invocations: 1, deliveredTo: TopicArn });
    expect(await receiveOne(subscriber.url)).toEqual(expectedRecord(requestId, 'Success', 1, { orderId: 'a1' }, { statusCode: 200, payload: { ok: true } }));
  });

  it('stores the failure record in an S3 OnFailure bucket', async () => {
    const bucket = uniqueName('async-failures').toLowerCase();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await configure('orders', { onFailure: `arn:aws:s3:::${bucket}`, maximumRetryAttempts: 0 });
    await start();

    const requestId = await invokeAsync({ orderId: 's3' });

    expect(await outcome(requestId)).toMatchObject({ condition: 'RetriesExhausted', invocations: 1 });
    const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(Contents).toHaveLength(1);
    expect(Contents![0]!.Key).toMatch(/^aws\/lambda\/async\/orders\/\d{4}\/\d\d\/\d\d\/\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d-[0-9a-f-]{36}$/);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: Contents![0]!.Key }));
    expect(JSON.parse(await object.Body!.transformToString())).toEqual(
      expectedRecord(requestId, 'RetriesExhausted', 1, { orderId: 's3' }, { statusCode: 200, functionError: 'Unhandled', payload: JSON.parse(BOOM) }),
    );
  });

  it('retries a destination that is down until it takes the record, counting the failures', async () => {
    const name = uniqueName('late');
    const arn = `arn:aws:sqs:us-east-1:123456789012:${name}`;
    await configure('orders', { onFailure: arn, maximumRetryAttempts: 0 });
    await start();

    const requestId = await invokeAsync({ late: true });
    const failures = () => metrics.asyncDestinationDeliveries.get().then((m) => m.values.find((v) => v.labels.outcome === 'failed')?.value ?? 0);
    await waitFor(async () => (await failures()) >= 2, { message: 'the delivery never failed' });
    const late = await sqsQueue(name);

    expect(await outcome(requestId)).toEqual({ condition: 'RetriesExhausted', invocations: 1, deliveredTo: arn });
    expect(await receiveOne(late.url)).toEqual(expectedRecord(requestId, 'RetriesExhausted', 1, { late: true }, { statusCode: 200, functionError: 'Unhandled', payload: JSON.parse(BOOM) }));
    expect(fn.calls).toHaveLength(1);
  });

  describe('throttles (injected: a stub Lambda endpoint answering 429)', () => {
    let stub: StubLambdaEndpoint;
    let throttles = 0;

    beforeAll(async () => {
      stub = await startStubLambdaEndpoint((_call, res) => {
        if (throttles-- > 0) lambdaError(res, 429, 'TooManyRequestsException', 'Rate Exceeded.');
        else lambdaResult(res, '"done"');
      });
    });
    afterAll(() => stub.close());

    it('requeue throttled events without spending MaximumRetryAttempts', async () => {
      const dlq = await sqsQueue();
      const throttled: FunctionDefinition = buildFunction('throttled', { type: 'lambda', functionName: 'remote', endpointUrl: stub.url });
      await functions.create(throttled);
      await configure('throttled', { maximumRetryAttempts: 0, onSuccess: dlq.arn });
      throttles = 3;
      stub.calls.length = 0;
      await start({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });

      const requestId = await invokeAsync({ t: 1 }, { functionName: 'throttled' });

      expect(await outcome(requestId)).toEqual({ condition: 'Success', invocations: 1, deliveredTo: dlq.arn });
      expect(stub.calls).toHaveLength(4);
      const record = (await receiveOne(dlq.url)) as { requestContext: { approximateInvokeCount: number } };
      expect(record.requestContext.approximateInvokeCount).toBe(1);
      const retries = (await metrics.asyncRetries.get()).values.map((v) => ({ ...v.labels, value: v.value }));
      expect(retries).toEqual([{ function: 'throttled', reason: 'throttle', value: 3 }]);
    });
  });

  it('throttles an event while its function\'s reserved concurrency is taken, then runs it once, spending no retries', async () => {
    await functions.create({ ...buildFunction('single', { type: 'http', url: fn.url }), reservedConcurrentExecutions: 1 });
    await configure('single', { maximumRetryAttempts: 0 });
    const held = await new RedisConcurrencyLimiter(storeRedis, createRedisKeys(prefix)).acquire('single', 1, 60_000);
    expect(held).toBeDefined();
    respond = () => ({ status: 200, body: 'null' });
    await start();

    const requestId = await invokeAsync({ s: 1 }, { functionName: 'single' });
    await waitFor(async () => (await metrics.asyncRetries.get()).values.some((v) => v.labels.reason === 'throttle' && v.value >= 2), { message: 'never throttled' });
    expect(fn.calls).toHaveLength(0);
    await held!.release();

    expect(await outcome(requestId)).toEqual({ condition: 'Success', invocations: 1 });
    expect(fn.calls).toHaveLength(1);
  });

  it('delivers to another function as an asynchronous invocation with the record as its event', async () => {
    const audit = await startHttpFunction((_call, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('null'));
    cleanups.push(() => audit.close());
    await functions.create(buildFunction('audit', { type: 'http', url: audit.url }));
    await configure('orders', { onFailure: ARN('audit'), maximumRetryAttempts: 1 });
    await start();

    const requestId = await invokeAsync({ orderId: 'fn' });

    expect(await outcome(requestId)).toEqual({ condition: 'RetriesExhausted', invocations: 2, deliveredTo: ARN('audit') });
    await waitFor(() => audit.calls.length === 1, { message: 'the destination function was never invoked' });
    expect(JSON.parse(audit.calls[0]!.body)).toEqual(expectedRecord(requestId, 'RetriesExhausted', 2, { orderId: 'fn' }, { statusCode: 200, functionError: 'Unhandled', payload: JSON.parse(BOOM) }));
  });

  it('sends events of a function with reserved concurrency 0 straight to OnFailure without invoking it', async () => {
    await functions.create({ ...buildFunction('paused', { type: 'http', url: fn.url }), reservedConcurrentExecutions: 0 });
    const dlq = await sqsQueue();
    await configure('paused', { onFailure: dlq.arn });
    await start();

    const requestId = await invokeAsync({ p: 1 }, { functionName: 'paused' });

    expect(await outcome(requestId)).toEqual({ condition: 'ZeroReservedConcurrency', invocations: 0, deliveredTo: dlq.arn });
    expect(fn.calls).toHaveLength(0);
    expect(await receiveOne(dlq.url)).toEqual({ ...expectedRecord(requestId, 'ZeroReservedConcurrency', 0, { p: 1 }), requestContext: expect.objectContaining({ functionArn: `${ARN('paused')}:$LATEST` }) });
  });

  it('parks a failed event without OnFailure in the dead-letter store; a replay invokes the function with the event', async () => {
    await configure('orders', { maximumRetryAttempts: 0 });
    await start();
    const event = { orderId: 'parked' };

    const requestId = await invokeAsync(event);

    expect(await outcome(requestId)).toEqual({ condition: 'RetriesExhausted', invocations: 1, deliveredTo: 'dead-letter store' });
    const [summary] = (await deadLetters.list({ functionName: 'orders', limit: 10 })).deadLetters;
    expect(summary).toMatchObject({ kind: 'async-event', functionName: 'orders', recordCount: 1, payloadOmitted: false });
    const entry = await deadLetters.get(summary!.id);
    expect(entry?.payload).toEqual(event);
    expect(entry?.failureRecord).toEqual(expectedRecord(requestId, 'RetriesExhausted', 1, event, { statusCode: 200, functionError: 'Unhandled', payload: JSON.parse(BOOM) }));

    respond = () => ({ status: 200, body: 'null' });
    await enqueueDeadLetterReplay(replays, summary!.id);
    await waitFor(async () => (await deadLetters.get(summary!.id)) === undefined, { message: 'the replayed entry was never removed' });
    expect(fn.calls).toHaveLength(2);
    expect(JSON.parse(fn.calls[1]!.body)).toEqual(event);
  });

  describe('poison events: each ends after the retry policy, none is requeued forever', () => {
    it('an event nested 10,000 deep (queued before the edges refused it) runs, spends its retries and is parked, its payload as text', async () => {
      await configure('orders', { maximumRetryAttempts: 1 });
      await start();
      const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const requestId = crypto.randomUUID();
      await enqueueAsyncInvocation(queue, { requestId, functionName: 'orders', payload: deep, acceptedAt: Date.now(), origin: 'invoke' });

      expect(await outcome(requestId)).toEqual({ condition: 'RetriesExhausted', invocations: 2, deliveredTo: 'dead-letter store' });
      expect(fn.calls.map((c) => c.body)).toEqual([deep, deep]);
      const [summary] = (await deadLetters.list({ functionName: 'orders', limit: 10 })).deadLetters;
      const entry = await deadLetters.get(summary!.id);
      expect(entry?.payload).toBe(deep);
      expect(entry?.failureRecord).toMatchObject({ requestPayload: deep, requestContext: { requestId, condition: 'RetriesExhausted', approximateInvokeCount: 2 } });
    });

    it('an event whose settings record is corrupt spends Lambda\'s 2 default retries on the fault and is parked without running', async () => {
      await storeRedis.hset(eventInvokeConfigKey(createRedisKeys(prefix), 'orders'), '$LATEST', '{not json');
      respond = () => ({ status: 200, body: 'null' });
      await start();

      const requestId = await invokeAsync({ corrupt: true });

      expect(await outcome(requestId)).toEqual({ condition: 'RetriesExhausted', invocations: 0, deliveredTo: 'dead-letter store' });
      expect(fn.calls).toHaveLength(0);
      const retries = (await metrics.asyncRetries.get()).values.map((v) => ({ ...v.labels, value: v.value }));
      expect(retries).toEqual([{ function: 'orders', reason: 'internal_fault', value: 2 }]);
      const [summary] = (await deadLetters.list({ functionName: 'orders', limit: 10 })).deadLetters;
      expect((await deadLetters.get(summary!.id))?.payload).toEqual({ corrupt: true });
    });
  });

  it('a function without any event-invoke-config gets Lambda defaults and a success goes nowhere', async () => {
    respond = () => ({ status: 200, body: '"ok"' });
    await start();

    const requestId = await invokeAsync({ plain: true });

    expect(await outcome(requestId)).toEqual({ condition: 'Success', invocations: 1 });
    expect((await deadLetters.list({ limit: 10 })).deadLetters).toEqual([]);
  });
});
