import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { callSluiceApi, registerHttpFunction, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { uniqueName } from '../helpers/unique-name.js';
import { createTestQueue } from '../helpers/sqs-test-queue.js';

// /sluice/v1/s3-bindings over plain HTTP against Sluice's API as its own process, with moto as S3
// and SNS for ManagedNotification.
const stack = inject('stack');
const prefix = uniqueName('e2e-s3b');
const aws = { region: 'us-east-1', endpoint: stack.motoEndpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const s3 = new S3Client({ ...aws, forcePathStyle: true });
const sns = new SNSClient(aws);
const sqs = new SQSClient(aws);
let sluice: SluiceProcess;
const bucket = uniqueName('bindings');

const call = (method: string, path: string, body?: unknown) => callSluiceApi(sluice.url, method, path, body);

const create = (body: Record<string, unknown>) => call('POST', '/sluice/v1/s3-bindings', { Bucket: bucket, FunctionName: 'thumbs', ...body });

beforeAll(async () => {
  sluice = await startSluice({
    env: { REDIS_URL: stack.redisUrl, SLUICE_REDIS_PREFIX: prefix, AWS_ENDPOINT_URL: stack.motoEndpoint, SLUICE_STATE_SETTLE_MS: '100' },
  });
  expect(await registerHttpFunction(sluice.url, 'thumbs', 'http://127.0.0.1:9/')).toBe(201);
});

afterAll(async () => {
  await sluice?.stop();
  await deleteRedisPrefix(stack.redisUrl, prefix);
  for (const client of [s3, sns, sqs]) client.destroy();
});

describe('S3 bindings API', () => {
  it('creates, gets, lists with paging and deletes a binding', async () => {
    const created = await create({
      Id: 'thumbs-jpg',
      Events: ['s3:ObjectCreated:*'],
      Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'images/' }, { Name: 'Suffix', Value: '.jpg' }] } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      Id: 'thumbs-jpg',
      Bucket: bucket,
      Events: ['s3:ObjectCreated:*'],
      Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'images/' }, { Name: 'Suffix', Value: '.jpg' }] } },
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:thumbs',
    });
    expect((await create({ Id: 'removed', Events: ['s3:ObjectRemoved:*'] })).status).toBe(201);

    expect((await call('GET', '/sluice/v1/s3-bindings/thumbs-jpg')).body).toEqual(created.body);
    const first = await call('GET', '/sluice/v1/s3-bindings?MaxItems=1');
    expect(first.body.S3Bindings.map((b: { Id: string }) => b.Id)).toEqual(['thumbs-jpg']);
    const second = await call('GET', `/sluice/v1/s3-bindings?MaxItems=1&Marker=${first.body.NextMarker}`);
    expect(second.body.S3Bindings.map((b: { Id: string }) => b.Id)).toEqual(['removed']);
    expect(second.body.NextMarker).toBeUndefined();

    expect((await call('DELETE', '/sluice/v1/s3-bindings/removed')).status).toBe(204);
    const gone = await call('GET', '/sluice/v1/s3-bindings/removed');
    expect([gone.status, gone.errorType]).toEqual([404, 'ResourceNotFoundException']);
    expect((await call('DELETE', '/sluice/v1/s3-bindings/removed')).status).toBe(404);
  });

  it.each([
    [
      'an unfiltered configuration for a common event type of a filtered one',
      { Events: ['s3:ObjectCreated:Put'] },
      /^Configuration is ambiguously defined\. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type\. \(S3 binding thumbs-jpg\)$/,
    ],
    [
      'an overlapping suffix under an overlapping prefix',
      { Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: 'jpg' }] } } },
      /^Configuration is ambiguously defined\. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type\./,
    ],
    ['an unknown event type', { Events: ['s3:ObjectCreated:Upload'] }, /^The event is not supported for notifications: s3:ObjectCreated:Upload$/],
    ['two prefix rules', { Events: ['s3:ObjectRemoved:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'a' }, { Name: 'prefix', Value: 'b' }] } } }, /^Cannot specify more than one prefix rule in a filter\.$/],
    ['two suffix rules', { Events: ['s3:ObjectRemoved:*'], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: 'a' }, { Name: 'suffix', Value: 'b' }] } } }, /^Cannot specify more than one suffix rule in a filter\.$/],
    ['a rule that is neither prefix nor suffix', { Events: ['s3:ObjectRemoved:*'], Filter: { Key: { FilterRules: [{ Name: 'contains', Value: 'a' }] } } }, /prefix or suffix/],
    ['an empty prefix value', { Events: ['s3:ObjectRemoved:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: '' }] } } }, /cannot be empty/],
    ['no event type', { Events: [] }, /at 'events' failed to satisfy constraint/, 'ValidationException'],
    ['a bad bucket name', { Bucket: 'Not_A_Bucket', Events: ['s3:ObjectRemoved:*'] }, /at 'bucket' failed to satisfy constraint/, 'ValidationException'],
    ['an unknown member', { Events: ['s3:ObjectRemoved:*'], Queue: 'x' }, /Unsupported parameter: Queue/],
  ])('refuses %s with InvalidParameterValueException (ValidationException for a schema constraint)', async (_case, body, message, type = 'InvalidParameterValueException') => {
    const refused = await create(body);

    expect([refused.status, refused.errorType]).toEqual([400, type]);
    expect(refused.body.Type).toBe('User');
    expect(refused.body.Message).toMatch(message);
  });

  it("refuses a second unfiltered configuration for a common event type with S3's overlap message", async () => {
    expect((await create({ Id: 'acl', Events: ['s3:ObjectAcl:Put'] })).status).toBe(201);

    const refused = await create({ Events: ['s3:ObjectAcl:Put', 's3:ObjectTagging:*'] });

    expect([refused.status, refused.errorType]).toEqual([400, 'InvalidParameterValueException']);
    expect(refused.body.Message).toBe('Configurations overlap. Configurations on the same bucket cannot share a common event type. (S3 binding acl)');
  });

  it('lets exactly one of several overlapping bindings created at once through (the bucket version check)', async () => {
    const raceBucket = uniqueName('race');
    const attempts = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((id) => call('POST', '/sluice/v1/s3-bindings', { Id: `race-${id}-${raceBucket}`, Bucket: raceBucket, Events: ['s3:ObjectCreated:*'], FunctionName: 'thumbs' })),
    );

    expect(attempts.map((a) => a.status).sort()).toEqual([201, 400, 400, 400, 400]);
    for (const refused of attempts.filter((a) => a.status === 400)) expect(refused.body.Message).toMatch(/^Configurations overlap\./);
  });

  it('refuses an unknown function with 404 and a taken Id with 409', async () => {
    const unknown = await create({ Events: ['s3:ObjectRestore:*'], FunctionName: 'nope' });
    expect([unknown.status, unknown.errorType]).toEqual([404, 'ResourceNotFoundException']);
    const taken = await call('POST', '/sluice/v1/s3-bindings', { Id: 'thumbs-jpg', Bucket: uniqueName('other'), Events: ['s3:ObjectRestore:*'], FunctionName: 'thumbs' });
    expect([taken.status, taken.errorType]).toEqual([409, 'ResourceConflictException']);
  });

  it('refuses to delete a function while a binding uses it (409 naming the binding), and deletes it once the binding is gone', async () => {
    expect(await registerHttpFunction(sluice.url, 'resize', 'http://127.0.0.1:9/')).toBe(201);
    const resizeBucket = uniqueName('resize');
    expect((await call('POST', '/sluice/v1/s3-bindings', { Id: `resize-png-${resizeBucket}`, Bucket: resizeBucket, Events: ['s3:ObjectCreated:*'], FunctionName: 'resize' })).status).toBe(201);

    const refused = await call('DELETE', '/sluice/v1/functions/resize');

    expect([refused.status, refused.errorType, refused.body.Type]).toEqual([409, 'ResourceConflictException', 'User']);
    expect(refused.body.Message).toBe(`Function resize is used by 1 S3 binding (resize-png-${resizeBucket}); delete it first.`);
    expect((await call('GET', '/sluice/v1/functions/resize')).status).toBe(200);

    expect((await call('DELETE', `/sluice/v1/s3-bindings/resize-png-${resizeBucket}`)).status).toBe(204);
    expect((await call('DELETE', '/sluice/v1/functions/resize')).status).toBe(204);
    const late = await call('POST', '/sluice/v1/s3-bindings', { Bucket: resizeBucket, Events: ['s3:ObjectCreated:*'], FunctionName: 'resize' });
    expect([late.status, late.errorType]).toEqual([404, 'ResourceNotFoundException']);
  });

  it('a binding created while its function is deleted: one of the two wins, never a binding left without its function', async () => {
    for (let round = 0; round < 8; round += 1) {
      const name = uniqueName('gone');
      expect(await registerHttpFunction(sluice.url, name, 'http://127.0.0.1:9/')).toBe(201);

      const [created, deleted] = await Promise.all([
        call('POST', '/sluice/v1/s3-bindings', { Id: name, Bucket: uniqueName('gone'), Events: ['s3:ObjectCreated:*'], FunctionName: name }),
        call('DELETE', `/sluice/v1/functions/${name}`),
      ]);

      const binding = await call('GET', `/sluice/v1/s3-bindings/${name}`);
      const fn = await call('GET', `/sluice/v1/functions/${name}`);
      if (created.status === 201) {
        expect([deleted.status, binding.status, fn.status], `round ${round}`).toEqual([409, 200, 200]);
      } else {
        expect([created.status, created.errorType, deleted.status, binding.status, fn.status], `round ${round}`).toEqual([404, 'ResourceNotFoundException', 204, 404, 404]);
      }
    }
  });

  it('with ManagedNotification, adds its TopicConfiguration and subscription, keeping the configurations already there, and removes only its own', async () => {
    const managedBucket = uniqueName('managed');
    await s3.send(new CreateBucketCommand({ Bucket: managedBucket }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('uploads') }));
    const { arn: queueArn } = await createTestQueue(sqs, uniqueName('audit'));
    const theirs = { Id: 'audit-queue', QueueArn: queueArn, Events: ['s3:ObjectRemoved:*' as const] };
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: managedBucket, NotificationConfiguration: { QueueConfigurations: [theirs] } }));

    const created = await call('POST', '/sluice/v1/s3-bindings', {
      Id: 'managed-put',
      Bucket: managedBucket,
      Events: ['s3:ObjectCreated:Put'],
      Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.csv' }] } },
      FunctionName: 'thumbs',
      ManagedNotification: { TopicArn, IngressUrl: 'http://127.0.0.1:9072/sns' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ TopicArn, ManagedNotification: { TopicArn, IngressUrl: 'http://127.0.0.1:9072/sns', SubscriptionArn: expect.stringMatching(/^arn:aws:sns:/) } });

    const wired = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: managedBucket }));
    expect(wired.QueueConfigurations).toEqual([expect.objectContaining(theirs)]);
    expect(wired.TopicConfigurations).toEqual([
      expect.objectContaining({ Id: 'managed-put', TopicArn, Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.csv' }] } } }),
    ]);
    const subscriptions = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    expect(subscriptions.Subscriptions?.map((s) => [s.Protocol, s.Endpoint])).toEqual([['http', 'http://127.0.0.1:9072/sns']]);

    expect((await call('DELETE', '/sluice/v1/s3-bindings/managed-put')).status).toBe(204);
    const after = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: managedBucket }));
    expect(after.QueueConfigurations).toEqual([expect.objectContaining(theirs)]);
    expect(after.TopicConfigurations ?? []).toEqual([]);
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions ?? []).toEqual([]);
  });

  it('refuses ManagedNotification for a bucket S3 does not have, and keeps no binding', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('orphan') }));
    const missingBucket = uniqueName('missing');
    const refused = await call('POST', '/sluice/v1/s3-bindings', {
      Id: 'no-bucket',
      Bucket: missingBucket,
      Events: ['s3:ObjectCreated:*'],
      FunctionName: 'thumbs',
      ManagedNotification: { TopicArn, IngressUrl: 'http://127.0.0.1:9072/sns' },
    });

    expect([refused.status, refused.errorType]).toEqual([400, 'InvalidParameterValueException']);
    expect(refused.body.Message).toMatch(/NoSuchBucket/);
    expect((await call('GET', '/sluice/v1/s3-bindings/no-bucket')).status).toBe(404);
  });
});
