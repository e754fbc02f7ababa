import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { findFreePort, type LocalStackHost } from '@sluice/localstack';
import { runAwsLambdaCli } from '../helpers/aws-cli.js';
import { composeEnvironment } from '../helpers/compose-environment.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { createTestStream, decodeKinesisData, kinesisClient, putJsonRecords, REGION, ACCOUNT } from '../helpers/kinesis-test-stream.js';
import { startTestLocalStack } from '../helpers/localstack-host.js';
import { startRecordingFunction, type RecordingFunction } from '../helpers/recording-function.js';
import { createStreamMapping, sluiceLambdaClient, TEST_CREDENTIALS } from '../helpers/sluice-lambda.js';
import { callSluiceApi, registerHttpFunction, SLUICE_BIN, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { createSourceQueue, sqsClient, waitForEmptyQueue } from '../helpers/sqs-source-queue.js';
import { FUNCTION_ERROR } from '../helpers/sqs-function-router.js';
import { createTestQueue, receiveJsonMessages } from '../helpers/sqs-test-queue.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// The compose path for real: a real LocalStack (the community runtime docker-compose.yml runs,
// here in host mode, without Docker), `sluice seed` once, then one process per role (api, poller,
// ingress, worker), each with its service's environment from docker-compose.yml, the compose
// network's addresses replaced by this host's (LocalStack on a free port, the test Redis). The
// additions: a Redis key prefix (the Redis is shared) and free ports for the API and the ingress.
// LocalStack runs without DynamoDB, which it cannot install offline (Java and DynamoDB Local).
const stack = inject('stack');
const prefix = uniqueName('e2e-ls');
const ROLES = ['api', 'poller', 'ingress', 'worker'] as const;
/** What each role prints once it is up (the API's listening line when undefined; group 1 the URL). */
const READY = { api: undefined, ingress: /Sluice ingress listening on (http:\/\/\S+)/, poller: /"msg":"sluice started"/, worker: /"msg":"sluice started"/ };

let localstack: LocalStackHost;
let seeded: { code: number; stdout: string; stderr: string };
const roles: Partial<Record<(typeof ROLES)[number], SluiceProcess>> = {};
let apiUrl: string;
let ingressUrl: string;
let lambda: LambdaClient;
let kinesis: KinesisClient;
let s3: S3Client;
let sns: SNSClient;
let sqs: SQSClient;
const functions: RecordingFunction[] = [];

/** A recording HTTP function registered with Sluice as `name`. */
async function newFunction(name: string): Promise<RecordingFunction> {
  const fn = await startRecordingFunction();
  functions.push(fn);
  expect(await registerHttpFunction(apiUrl, name, fn.url)).toBe(201);
  return fn;
}

/** Every role's output, for failure messages. */
const output = () => ROLES.map((role) => `--- ${role}\n${roles[role]?.output() ?? ''}`).join('\n');

/** A second HTTP subscriber to the topic, confirmed by the test itself: it sees what LocalStack posts. */
async function subscribeTap(topicArn: string): Promise<RecordingFunction> {
  const tap = await startRecordingFunction();
  functions.push(tap);
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: tap.url }));
  await waitFor(() => tap.events.length > 0, { message: 'the tap got its SubscriptionConfirmation' });
  await fetch(String(tap.events[0]!.event['SubscribeURL']));
  return tap;
}

/** Until SNS says the endpoint's subscription to the topic is confirmed (the ingress confirmed it). */
async function waitForConfirmed(topicArn: string, endpoint: string): Promise<void> {
  await waitFor(
    async () => {
      const { Subscriptions } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
      const subscription = Subscriptions!.find((s) => s.Endpoint === endpoint)!;
      const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }));
      return Attributes?.PendingConfirmation === 'false';
    },
    { message: () => `the ingress confirmed its subscription\n${roles.ingress!.output()}` },
  );
}

// Up to 240 s: installing LocalStack when missing (~15 s), its start (up to 60 s), seed, the roles (up to 40 s).
beforeAll(async () => {
  const port = await findFreePort();
  const addresses = { 'redis://redis:6379': stack.redisUrl, 'localstack:4566': `127.0.0.1:${port}`, '0.0.0.0': '127.0.0.1' };
  const { SERVICES, ...settings } = composeEnvironment('localstack', addresses);
  const services = SERVICES!.split(',').filter((s) => !s.startsWith('dynamodb'));
  localstack = await startTestLocalStack(services, settings, port);

  const seedEnv = { ...process.env, ...composeEnvironment('seed', addresses) };
  seeded = await promisify(execFile)(process.execPath, [SLUICE_BIN, 'seed'], { env: seedEnv }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
  );

  const roleEnv = (role: string) => ({ ...composeEnvironment(role, addresses), SLUICE_REDIS_PREFIX: prefix, SLUICE_PORT: '0', SLUICE_INGRESS_PORT: '0' });
  await Promise.all(
    ROLES.map(async (role) => {
      roles[role] = await startSluice({ args: ['start', '--role', role], env: roleEnv(role), readyPattern: READY[role], timeoutMs: 40_000 });
    }),
  );
  apiUrl = roles.api!.url;
  ingressUrl = roles.ingress!.url;
  lambda = sluiceLambdaClient(apiUrl);
  const aws = { region: REGION, endpoint: localstack.endpoint, credentials: TEST_CREDENTIALS };
  kinesis = kinesisClient(localstack.endpoint);
  s3 = new S3Client({ ...aws, forcePathStyle: true });
  sns = new SNSClient(aws);
  sqs = sqsClient(localstack.endpoint);
}, 240_000);

afterAll(async () => {
  await Promise.all(ROLES.map((role) => roles[role]?.stop()));
  await localstack?.stop();
  await Promise.all(functions.map((fn) => fn.close()));
  for (const client of [lambda, kinesis, s3, sns, sqs]) client?.destroy();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

describe('docker-compose.yml against a real LocalStack 4.14.0 (host mode)', () => {
  it('`sluice seed` makes the demo stream in LocalStack and skips the table, since DynamoDB is not there, and exits 0', () => {
    expect(seeded, seeded.stderr).toMatchObject({ code: 0 });
    expect(seeded.stdout).toContain(`Kinesis stream sluice-demo is ACTIVE: arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/sluice-demo`);
    expect(seeded.stdout).toMatch(/DynamoDB table sluice-demo skipped/);
  });

  describe.concurrent('delivery', () => {
    it('a Kinesis mapping delivers LocalStack Kinesis records to the function', async () => {
      const fn = await newFunction('ls-kinesis');
      const name = uniqueName('ls-stream');
      const arn = await createTestStream(kinesis, name, 1);
      await createStreamMapping(lambda, 'ls-kinesis', { EventSourceArn: arn, BatchSize: 10 });

      const put = await putJsonRecords(kinesis, name, ['a', 'b', 'c']);

      await waitFor(() => fn.records().length >= 3, { timeoutMs: 30_000, message: () => `records delivered: ${fn.records().length}\n${output()}` });
      expect(fn.records().map(decodeKinesisData)).toEqual(put);
      expect(fn.records()[0]).toMatchObject({ eventSource: 'aws:kinesis', eventSourceARN: arn, awsRegion: REGION, eventName: 'aws:kinesis:record' });
    });

    it("a batch the function fails leaves Lambda's failure record in LocalStack's SQS (OnFailure)", async () => {
      const fn = await newFunction('ls-failing');
      fn.respond = () => FUNCTION_ERROR;
      const name = uniqueName('ls-failing');
      const arn = await createTestStream(kinesis, name, 1);
      const queue = await createTestQueue(sqs, uniqueName('ls-on-failure'));
      await createStreamMapping(lambda, 'ls-failing', { EventSourceArn: arn, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: queue.arn } } });

      await putJsonRecords(kinesis, name, ['x']);

      const [failure] = await receiveJsonMessages(sqs, queue.url, { waitTimeSeconds: 1, timeoutMs: 30_000, message: `a failure record in ${queue.arn}\n${output()}` });
      const record = fn.records()[0] as { eventID: string; kinesis: { sequenceNumber: string } };
      expect(failure).toMatchObject({
        requestContext: { functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ls-failing`, condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
        responseContext: { statusCode: 200, functionError: 'Unhandled' },
        KinesisBatchInfo: { shardId: record.eventID.split(':')[0], startSequenceNumber: record.kinesis.sequenceNumber, batchSize: 1, streamArn: arn },
      });
    });

    it('an SQS mapping delivers messages from a LocalStack queue and deletes them', async () => {
      const fn = await newFunction('ls-sqs');
      const queue = await createSourceQueue(sqs, uniqueName('ls-source'));
      await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'ls-sqs', EventSourceArn: queue.arn, BatchSize: 10 }));

      await queue.send(['one', 'two', 'three']);

      await waitFor(() => fn.records().length >= 3, { timeoutMs: 30_000, message: () => `messages delivered: ${fn.records().length}\n${output()}` });
      expect(fn.records().map((r) => r['body']).sort()).toEqual(['one', 'three', 'two']);
      expect(fn.records()[0]).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: queue.arn, awsRegion: REGION, attributes: { ApproximateReceiveCount: '1' } });
      await waitForEmptyQueue(queue, 20_000);
    });

    it("S3 -> SNS -> ingress: LocalStack's signed deliveries are verified against its own certificate, and two PUTs of one key both arrive", async () => {
      const fn = await newFunction('ls-uploads');
      const bucket = uniqueName('ls-uploads');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('ls-uploads') }));
      const tap = await subscribeTap(TopicArn!);
      const created = await callSluiceApi(apiUrl, 'POST', '/sluice/v1/s3-bindings', {
        Id: 'ls-uploads',
        Bucket: bucket,
        Events: ['s3:ObjectCreated:*'],
        FunctionName: 'ls-uploads',
        ManagedNotification: { TopicArn, IngressUrl: `${ingressUrl}/sns` },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      await waitForConfirmed(TopicArn!, `${ingressUrl}/sns`);

      for (const Body of ['first', 'second']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'photos/red flower.jpg', Body }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'photos/b.jpg', Body: 'b' }));

      await waitFor(() => fn.records().length >= 3, { timeoutMs: 30_000, message: () => `events delivered: ${fn.records().length}\n${output()}` });
      const objects = fn.records().map((r) => (r as { s3: { object: { key: string; size: number } } }).s3.object);
      expect(objects.map((o) => `${o.key} ${o.size}`).sort()).toEqual(['photos/b.jpg 1', 'photos/red+flower.jpg 5', 'photos/red+flower.jpg 6']);
      expect(fn.records()[0]).toMatchObject({ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { configurationId: 'ls-uploads', bucket: { name: bucket } } });
      // LocalStack writes the key with %20 (and one fixed sequencer); the function gets AWS's form, +.
      const notifications = await waitFor(() => {
        const posted = tap.events.map((e) => e.event as unknown as { Type: string; Message: string }).filter((m) => m.Type === 'Notification' && m.Message.includes('"Records"'));
        return posted.length >= 3 && posted;
      });
      const sent = notifications.map((m) => (JSON.parse(m.Message) as { Records: { s3: { object: { key: string; sequencer: string } } }[] }).Records[0]!.s3.object);
      expect(sent.map((o) => o.key).sort()).toEqual(['photos/b.jpg', 'photos/red%20flower.jpg', 'photos/red%20flower.jpg']);
      expect(new Set(sent.map((o) => o.sequencer)).size).toBe(1);

      // The signature is LocalStack's, checked: its own delivery again is a duplicate, a changed copy is refused.
      const delivered = notifications.find((m) => m.Message.includes('b.jpg'))!;
      const again = await callSluiceApi(ingressUrl, 'POST', '/sns', delivered);
      expect(again).toMatchObject({ status: 200, body: { Queued: 0, Duplicates: 1 } });
      const forged = await callSluiceApi(ingressUrl, 'POST', '/sns', { ...delivered, Message: delivered.Message.replace('b.jpg', 'c.jpg') });
      expect(forged).toMatchObject({ status: 403, errorType: 'InvalidSignatureException' });
    });
  });

  it("answers what compose's healthchecks and its header's command ask: /readyz, and `aws lambda list-event-source-mappings`", async () => {
    expect((await fetch(`${apiUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${ingressUrl}/readyz`)).status).toBe(200);
    const home = await mkdtemp(join(tmpdir(), 'sluice-aws-cli-'));
    try {
      const listed = await runAwsLambdaCli(['list-event-source-mappings'], { endpointUrl: apiUrl, home, region: REGION });
      expect(listed.code, listed.stderr).toBe(0);
      const { EventSourceMappings } = JSON.parse(listed.stdout) as { EventSourceMappings: { FunctionArn: string; State: string }[] };
      expect(EventSourceMappings.map((m) => m.FunctionArn.split(':').pop()).sort()).toEqual(['ls-failing', 'ls-kinesis', 'ls-sqs']);
      expect(EventSourceMappings.map((m) => m.State)).toEqual(['Enabled', 'Enabled', 'Enabled']);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
