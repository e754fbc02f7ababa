import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { Redis } from 'ioredis';
import { createAsyncInvocationQueue, createRedisKeys, type AsyncInvocationQueue } from '@sluice/shared';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { startRecordingFunction, type RecordingFunction } from '../helpers/recording-function.js';
import { FAST_FLOW_ENV, callSluiceApi, registerHttpFunction, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { TEST_SIGNING_CERT, signSnsMessage } from '../helpers/sns-test-signer.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// The push model end to end: Sluice (`start --role all`: api, ingress, worker, poller) as its own
// process; moto's S3 -> SNS -> HTTP chain posting to the ingress; direct, EventBridge and signed
// SNS posts over plain HTTP; every function reached through the async invocation queue and worker.
const stack = inject('stack');
const prefix = uniqueName('e2e-push');
const secret = 'push-secret-0123';
const aws = { region: 'us-east-1', endpoint: stack.motoEndpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const s3 = new S3Client({ ...aws, forcePathStyle: true });
const sns = new SNSClient(aws);

/** A local HTTP server that records the requests it gets: a certificate host the ingress allows, or one it must never call. */
interface RecordingHost {
  readonly origin: string;
  readonly requests: string[];
  close(): Promise<void>;
}

async function startHost(): Promise<RecordingHost> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === '/cert.pem') response.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(TEST_SIGNING_CERT);
    else response.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let sluice: SluiceProcess;
let ingressUrl: string;
let certHost: RecordingHost;
let elsewhere: RecordingHost;
let queueRedis: Redis;
let queue: AsyncInvocationQueue;
const functions: Record<string, RecordingFunction> = {};

/** POSTs a JSON body to the ingress. */
const post = (path: string, body: unknown, headers: Record<string, string> = {}) => callSluiceApi(ingressUrl, 'POST', path, body, headers);

async function createBinding(body: Record<string, unknown>) {
  const created = await callSluiceApi(sluice.url, 'POST', '/sluice/v1/s3-bindings', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { Id: string };
}

/** Every async invocation job queued for a function, whatever its state. */
async function jobsFor(functionName: string) {
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized']);
  return jobs.filter((job) => job.data.functionName === functionName);
}

async function fn(name: string): Promise<RecordingFunction> {
  functions[name] = await startRecordingFunction();
  expect(await registerHttpFunction(sluice.url, name, functions[name].url)).toBe(201);
  return functions[name];
}

beforeAll(async () => {
  certHost = await startHost();
  elsewhere = await startHost();
  sluice = await startSluice({
    args: ['start', '--role', 'all'],
    env: {
      ...FAST_FLOW_ENV,
      REDIS_URL: stack.redisUrl,
      SLUICE_REDIS_PREFIX: prefix,
      AWS_ENDPOINT_URL: stack.motoEndpoint,
      SLUICE_INGRESS_PORT: '0',
      SLUICE_INGRESS_SECRET: secret,
      // moto signs with certificates it serves itself under SNS's own URL; the test's certificate host is allowed too.
      SLUICE_SNS_CERT_ENDPOINT: stack.motoEndpoint,
      SLUICE_SNS_CERT_HOSTS: new URL(certHost.origin).host,
    },
    timeoutMs: 40_000,
  });
  ingressUrl = /Sluice ingress listening on (http:\/\/\S+)/.exec(sluice.output())![1]!;
  queueRedis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  queue = createAsyncInvocationQueue(queueRedis, createRedisKeys(prefix));
});

afterAll(async () => {
  await sluice?.stop();
  await queue?.close();
  queueRedis?.disconnect();
  await Promise.all([certHost?.close(), elsewhere?.close(), ...Object.values(functions).map((f) => f.close())]);
  await deleteRedisPrefix(stack.redisUrl, prefix);
  s3.destroy();
  sns.destroy();
});

describe('moto S3 -> SNS -> Sluice ingress -> function', () => {
  it('invokes the bound function once per matching object, with the S3 event Lambda receives; prefix, suffix and event types filter', async () => {
    const thumbs = await fn('thumbs');
    const cleanup = await fn('cleanup');
    const tap = await startRecordingFunction();
    functions.tap = tap;
    const bucket = uniqueName('uploads');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('uploads') }));
    // A second subscriber sees exactly what SNS posts, for the duplicate-delivery test below.
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: tap.url }));
    const managed = { TopicArn, IngressUrl: `${ingressUrl}/sns` };
    await createBinding({
      Id: 'thumbs-images',
      Bucket: bucket,
      Events: ['s3:ObjectCreated:*'],
      Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'images/' }, { Name: 'suffix', Value: '.jpg' }] } },
      FunctionName: 'thumbs',
      ManagedNotification: managed,
    });
    await createBinding({ Id: 'cleanup-removed', Bucket: bucket, Events: ['s3:ObjectRemoved:*'], FunctionName: 'cleanup', ManagedNotification: managed });

    for (const Key of ['images/red flower.jpg', 'images/skip.png', 'docs/a.jpg']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'hello' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'docs/a.jpg' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'images/last.jpg', Body: 'bye' }));

    await waitFor(() => thumbs.events.length >= 2 && cleanup.events.length >= 1, { timeoutMs: 20_000, message: () => `thumbs ${thumbs.events.length}, cleanup ${cleanup.events.length}` });
    // Every job queued for these functions has finished: nothing else (skip.png, docs/a.jpg's put) was queued.
    const finished = await waitFor(async () => {
      const jobs = [...(await jobsFor('thumbs')), ...(await jobsFor('cleanup'))];
      const states = await Promise.all(jobs.map((job) => job.getState()));
      return states.every((s) => s === 'completed') ? jobs : undefined;
    });
    expect(finished).toHaveLength(3);
    expect(thumbs.events).toHaveLength(2);
    expect(cleanup.events).toHaveLength(1);

    const byKey = Object.fromEntries(thumbs.records().map((r) => [(r as { s3: { object: { key: string } } }).s3.object.key, r]));
    expect(Object.keys(byKey).sort()).toEqual(['images/last.jpg', 'images/red+flower.jpg']);
    for (const event of thumbs.events) expect(Object.keys(event.event)).toEqual(['Records']);
    expect(byKey['images/red+flower.jpg']).toEqual({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: expect.any(String) },
      requestParameters: { sourceIPAddress: expect.any(String) },
      responseElements: { 'x-amz-request-id': expect.any(String), 'x-amz-id-2': expect.any(String) },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'thumbs-images',
        bucket: { name: bucket, ownerIdentity: { principalId: expect.any(String) }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: 'images/red+flower.jpg', size: 5, eTag: '5d41402abc4b2a76b9719d911017c592', sequencer: expect.stringMatching(/^[0-9A-F]+$/) },
      },
    });
    expect(cleanup.records()).toEqual([
      expect.objectContaining({ eventName: 'ObjectRemoved:Delete', s3: expect.objectContaining({ configurationId: 'cleanup-removed', object: expect.objectContaining({ key: 'docs/a.jpg' }) }) }),
    ]);
  });

  it('recognises a re-delivery of the same SNS message (same MessageId, moto-signed) and invokes once', async () => {
    const tap = functions.tap!;
    const delivery = tap.events
      .map((e) => e.event as unknown as { Type: string; Message: string })
      .find((m) => m.Type === 'Notification' && m.Message.includes('images%2Flast.jpg'));
    expect(delivery, 'the tap saw moto post the notification for images/last.jpg').toBeDefined();
    const before = (await jobsFor('thumbs')).length;

    const again = await post('/sns', delivery, { 'content-type': 'text/plain; charset=UTF-8' });

    expect(again).toMatchObject({ status: 200, body: { Queued: 0, Duplicates: 1 } });
    expect((await jobsFor('thumbs')).length).toBe(before);
    expect(functions.thumbs!.events).toHaveLength(2);
  });
});

describe('direct S3 event JSON (MinIO style)', () => {
  const record = (bucket: string, key: string, sequencer: string) => ({
    eventVersion: '2.0',
    eventSource: 'minio:s3',
    awsRegion: '',
    eventTime: '2026-11-26T10:00:00.000Z',
    eventName: 's3:ObjectCreated:Put',
    userIdentity: { principalId: 'minio' },
    requestParameters: { sourceIPAddress: '10.0.0.1' },
    responseElements: { 'x-amz-request-id': '15CFEDF8D4736ED9' },
    s3: { s3SchemaVersion: '1.0', configurationId: 'Config', bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key, size: 1, eTag: 'e', sequencer } },
  });

  it('requires the ingress secret, queues each matching record once, and recognises a re-post', async () => {
    const direct = await fn('direct');
    const bucket = uniqueName('direct');
    await createBinding({ Id: 'direct-csv', Bucket: bucket, Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.csv' }] } }, FunctionName: 'direct' });
    const body = { EventName: 's3:ObjectCreated:Put', Key: `${bucket}/a.csv`, Records: [record(bucket, 'in/a%2Cb.csv', '0055AED6DCD90281E5'), record(bucket, 'in/b.txt', '0055AED6DCD90281E6')] };

    const anonymous = await post('/s3', body);
    const wrong = await post('/s3', body, { authorization: 'Bearer not-the-secret' });
    const accepted = await post('/s3', body, { authorization: `Bearer ${secret}` });
    const again = await post('/s3', body, { 'x-sluice-ingress-secret': secret });

    expect([anonymous.status, anonymous.errorType]).toEqual([401, 'UnrecognizedClientException']);
    expect(wrong.status).toBe(401);
    expect(accepted).toMatchObject({ status: 202, body: { Records: 2, Queued: 1, Duplicates: 0, Unmatched: 1 } });
    expect(again).toMatchObject({ status: 202, body: { Queued: 0, Duplicates: 1 } });
    await waitFor(() => direct.events.length === 1);
    expect(direct.records()).toEqual([
      expect.objectContaining({
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventName: 'ObjectCreated:Put',
        s3: expect.objectContaining({ configurationId: 'direct-csv', object: expect.objectContaining({ key: 'in/a%2Cb.csv', sequencer: '0055AED6DCD90281E5' }) }),
      }),
    ]);
    expect(await jobsFor('direct')).toHaveLength(1);
  });

  it('refuses a body that is not an S3 event with 400', async () => {
    const refused = await post('/s3', { Records: [{ eventName: 'x' }] }, { authorization: `Bearer ${secret}` });

    expect([refused.status, refused.errorType]).toEqual([400, 'InvalidRequestContentException']);
  });
});

describe('EventBridge S3 events', () => {
  it('hands the function the EventBridge event itself, for bindings whose event types it matches', async () => {
    const bridged = await fn('bridged');
    const bucket = uniqueName('bridge');
    await createBinding({ Id: 'bridged-created', Bucket: bucket, Events: ['s3:ObjectCreated:*'], FunctionName: 'bridged' });
    const event = (id: string, detailType: string, reason: string) => ({
      version: '0',
      id,
      'detail-type': detailType,
      source: 'aws.s3',
      account: '123456789012',
      time: '2026-11-26T10:00:00Z',
      region: 'us-east-1',
      resources: [`arn:aws:s3:::${bucket}`],
      detail: { version: '0', bucket: { name: bucket }, object: { key: 'report 1.pdf', size: 9, etag: 'e', sequencer: '00617F0' }, 'request-id': 'R', requester: '123456789012', 'source-ip-address': '1.2.3.4', reason },
    });

    const created = await post('/eventbridge', event('ev-1', 'Object Created', 'PutObject'), { authorization: `Bearer ${secret}` });
    const deleted = await post('/eventbridge', { ...event('ev-2', 'Object Deleted', 'DeleteObject'), detail: { ...event('ev-2', 'x', 'DeleteObject').detail, 'deletion-type': 'Permanently Deleted' } }, { authorization: `Bearer ${secret}` });
    const unauthenticated = await post('/eventbridge', event('ev-3', 'Object Created', 'PutObject'));

    expect(created).toMatchObject({ status: 202, body: { Queued: 1 } });
    expect(deleted).toMatchObject({ status: 202, body: { Queued: 0, Unmatched: 1 } });
    expect(unauthenticated.status).toBe(401);
    await waitFor(() => bridged.events.length === 1);
    expect(bridged.events[0]!.event).toEqual(event('ev-1', 'Object Created', 'PutObject'));
  });
});

describe('signed SNS messages from a certificate host the ingress allows', () => {
  const topicArn = 'arn:aws:sns:us-east-1:123456789012:signed-uploads';
  const notification = (bucket: string, key: string, messageId: string) => ({
    Type: 'Notification' as const,
    MessageId: messageId,
    TopicArn: topicArn,
    Subject: 'Amazon S3 Notification',
    Message: JSON.stringify({
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: 'us-east-1',
          eventTime: '2026-11-26T10:00:00.000Z',
          eventName: 'ObjectCreated:Put',
          userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
          requestParameters: { sourceIPAddress: '203.0.113.9' },
          responseElements: { 'x-amz-request-id': 'D82B88E5F771F645', 'x-amz-id-2': 'vlR7PnpV2Ce8' },
          s3: { s3SchemaVersion: '1.0', configurationId: 'c', bucket: { name: bucket, ownerIdentity: { principalId: 'A3I5XTEXAMAI3E' }, arn: `arn:aws:s3:::${bucket}` }, object: { key, size: 1, eTag: 'e' } },
        },
      ],
    }),
    Timestamp: '2026-11-26T10:00:00.100Z',
    SigningCertURL: `${certHost.origin}/cert.pem`,
    UnsubscribeURL: `${certHost.origin}/unsubscribe`,
  });

  it('confirms a subscription only for a topic a binding names, by GETting its SubscribeURL', async () => {
    await fn('signed');
    const bucket = uniqueName('signed');
    await createBinding({ Id: 'signed-all', Bucket: bucket, Events: ['s3:ObjectCreated:*'], FunctionName: 'signed', TopicArn: topicArn });
    const confirmation = (topic: string, token: string) =>
      signSnsMessage({
        Type: 'SubscriptionConfirmation',
        MessageId: `confirm-${token}`,
        TopicArn: topic,
        Message: `You have chosen to subscribe to the topic ${topic}.`,
        Timestamp: '2026-11-26T10:00:00.000Z',
        Token: token,
        SubscribeURL: `${certHost.origin}/confirm?Action=ConfirmSubscription&Token=${token}`,
        SigningCertURL: `${certHost.origin}/cert.pem`,
      });

    const confirmed = await post('/sns', confirmation(topicArn, 'bound'));
    const refused = await post('/sns', confirmation('arn:aws:sns:us-east-1:123456789012:nobody-binds-this', 'unbound'));

    expect(confirmed).toMatchObject({ status: 200, body: { Confirmed: true } });
    expect([refused.status, refused.errorType]).toEqual([403, 'AccessDeniedException']);
    expect(certHost.requests.filter((url) => url.startsWith('/confirm'))).toEqual(['/confirm?Action=ConfirmSubscription&Token=bound']);
  });

  it('acknowledges a signed UnsubscribeConfirmation without calling any URL', async () => {
    const before = certHost.requests.filter((url) => url !== '/cert.pem').length;
    const message = signSnsMessage({
      Type: 'UnsubscribeConfirmation',
      MessageId: 'unsubscribe-1',
      TopicArn: topicArn,
      Message: `You have chosen to deactivate subscription ${topicArn}:1.`,
      Timestamp: '2026-11-26T10:00:00.000Z',
      Token: 'resubscribe-token',
      SubscribeURL: `${certHost.origin}/confirm?Action=ConfirmSubscription&Token=resubscribe-token`,
      SigningCertURL: `${certHost.origin}/cert.pem`,
    });

    const answered = await post('/sns', message);

    expect(answered).toMatchObject({ status: 200, body: { Unsubscribed: true } });
    expect(certHost.requests.filter((url) => url !== '/cert.pem').length).toBe(before);
  });

  it('invokes once for a notification delivered twice (SHA1-signed), and fetched the certificate once', async () => {
    const binding = (await (await fetch(`${sluice.url}/sluice/v1/s3-bindings/signed-all`)).json()) as { Bucket: string };
    const message = signSnsMessage(notification(binding.Bucket, 'a.txt', 'msg-1'), '1');

    const first = await post('/sns', message);
    const second = await post('/sns', message);

    expect(first).toMatchObject({ status: 200, body: { Queued: 1, Duplicates: 0 } });
    expect(second).toMatchObject({ status: 200, body: { Queued: 0, Duplicates: 1 } });
    await waitFor(() => functions.signed!.events.length === 1);
    expect(functions.signed!.records()[0]).toMatchObject({ userIdentity: { principalId: 'AWS:AIDAEXAMPLE' }, s3: { configurationId: 'signed-all', object: { key: 'a.txt' } } });
    expect(certHost.requests.filter((url) => url === '/cert.pem')).toEqual(['/cert.pem']);
  });

  it('rejects a forged signature and invokes nothing', async () => {
    const binding = (await (await fetch(`${sluice.url}/sluice/v1/s3-bindings/signed-all`)).json()) as { Bucket: string };
    const signed = signSnsMessage(notification(binding.Bucket, 'forged.txt', 'msg-forged'));
    const forged = { ...signed, Message: signed.Message.replace('forged.txt', 'other.txt') };

    const refused = await post('/sns', forged);

    expect([refused.status, refused.errorType]).toEqual([403, 'InvalidSignatureException']);
    expect((await jobsFor('signed')).map((job) => job.data.payload).filter((p) => p.includes('forged') || p.includes('other.txt'))).toEqual([]);
  });

  it('rejects a certificate URL pointing elsewhere without requesting it', async () => {
    const binding = (await (await fetch(`${sluice.url}/sluice/v1/s3-bindings/signed-all`)).json()) as { Bucket: string };
    const message = signSnsMessage({ ...notification(binding.Bucket, 'elsewhere.txt', 'msg-elsewhere'), SigningCertURL: `${elsewhere.origin}/cert.pem` });

    const refused = await post('/sns', message);

    expect([refused.status, refused.errorType]).toEqual([403, 'InvalidSignatureException']);
    expect(refused.body.Message).toContain('SigningCertURL');
    expect(elsewhere.requests).toEqual([]);
    expect((await jobsFor('signed')).some((job) => job.data.payload.includes('elsewhere.txt'))).toBe(false);
  });
});

describe('ingress metrics', () => {
  it('counts pushes by form and outcome, and refusals by error, at the ingress /metrics', async () => {
    const text = await (await fetch(`${ingressUrl}/metrics`)).text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);

    expect(value('sluice_s3_push_events_total{form="sns",outcome="queued"}')).toBeGreaterThanOrEqual(4);
    expect(value('sluice_s3_push_events_total{form="sns",outcome="duplicate"}')).toBeGreaterThanOrEqual(2);
    expect(value('sluice_s3_push_events_total{form="s3",outcome="queued"}')).toBe(1);
    expect(value('sluice_s3_push_events_total{form="eventbridge",outcome="unmatched"}')).toBe(1);
    expect(value('sluice_s3_push_refused_total{form="sns",error="InvalidSignatureException"}')).toBe(2);
    expect(value('sluice_s3_push_refused_total{form="s3",error="UnrecognizedClientException"}')).toBe(2);
  });
});

describe('SNS signature verification switched off', () => {
  it('warns at boot and then accepts unsigned SNS messages (for emulators that do not sign)', async () => {
    const unsigned = await fn('unsigned');
    const bucket = uniqueName('unsigned');
    await createBinding({ Id: 'unsigned-all', Bucket: bucket, Events: ['s3:ObjectCreated:*'], FunctionName: 'unsigned' });
    const trusting = await startSluice({
      args: ['start', '--role', 'ingress'],
      env: { REDIS_URL: stack.redisUrl, SLUICE_REDIS_PREFIX: prefix, SLUICE_SNS_VERIFY_SIGNATURES: 'false' },
      readyPattern: /Sluice ingress listening on (http:\/\/\S+)/,
    });
    try {
      const message = {
        Type: 'Notification',
        MessageId: 'unsigned-1',
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:emulator',
        Message: JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', eventTime: '2026-11-26T10:00:00.000Z', s3: { bucket: { name: bucket }, object: { key: 'x.bin', size: 1 } } }] }),
        Timestamp: '2026-11-26T10:00:00.000Z',
        SignatureVersion: '1',
        Signature: 'not-a-signature',
        SigningCertURL: `${elsewhere.origin}/cert.pem`,
      };
      const response = await fetch(`${trusting.url}/sns`, { method: 'POST', body: JSON.stringify(message) });

      expect(trusting.output()).toMatch(/SLUICE_SNS_VERIFY_SIGNATURES=false: SNS message signatures are NOT verified/);
      expect(response.status).toBe(200);
      await waitFor(() => unsigned.events.length === 1);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await trusting.stop();
    }
  });
});
