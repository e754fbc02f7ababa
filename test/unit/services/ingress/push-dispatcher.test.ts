import { describe, expect, it } from 'vitest';
import type { AsyncInvocationJobInput, S3Binding, S3BindingStore } from '@sluice/shared';
import type { PushDedup } from '../../../../services/ingress/src/dispatch/push-dedup.js';
import { PushDispatcher } from '../../../../services/ingress/src/dispatch/push-dispatcher.js';
import { eventBridgePushEvent, eventBridgeS3EventSchema } from '../../../../services/ingress/src/events/eventbridge-s3-event.js';
import { parseS3Record, s3RecordEvent } from '../../../../services/ingress/src/events/s3-event-record.js';

function binding(id: string, events: string[], filter: S3Binding['filter'] = {}, topicArn?: string): S3Binding {
  return {
    id,
    bucket: 'photos',
    events,
    filter,
    functionName: `fn-${id}`,
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:fn-${id}`,
    ...(topicArn === undefined ? {} : { topicArn }),
    createdAt: 0,
  };
}

/** A store with fixed bindings (the dispatcher only reads forBucket). */
function storeOf(bindings: S3Binding[]): S3BindingStore {
  return { forBucket: async (bucket: string) => ({ version: 1, bindings: bindings.filter((b) => b.bucket === bucket) }) } as unknown as S3BindingStore;
}

function memoryDedup(): PushDedup {
  const seen = new Set<string>();
  return { seen: async (id) => seen.has(id), remember: async (id) => void seen.add(id) };
}

/** What moto 5.2 posts through SNS for a PutObject of "images/red flower.jpg". */
function motoRecord(key = 'images%2Fred+flower.jpg', eventName = 'ObjectCreated:Put') {
  return parseS3Record({
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2026-11-26T15:59:51.498Z',
    eventName,
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'c1',
      bucket: { name: 'photos', arn: 'arn:aws:s3:::photos' },
      object: { key, size: 3, eTag: '764efa883dda1e11db47671c4a3bbd9e' },
    },
  })!;
}

function setup(bindings: S3Binding[]) {
  const jobs: AsyncInvocationJobInput[] = [];
  const dispatcher = new PushDispatcher({ bindings: storeOf(bindings), dedup: memoryDedup(), enqueue: async (job) => void jobs.push(job), now: () => 1000 });
  return { jobs, dispatcher };
}

describe('PushDispatcher', () => {
  it('queues one async invocation per matching record and binding, with the S3 event Lambda would get', async () => {
    const { jobs, dispatcher } = setup([binding('images', ['s3:ObjectCreated:*'], { prefix: 'images/', suffix: '.jpg' }), binding('removed', ['s3:ObjectRemoved:*'])]);

    const result = await dispatcher.dispatch('s3', [s3RecordEvent(motoRecord(), 0, { region: 'us-east-1', snsMessageId: 'm1' })]);

    expect(result).toEqual({ queued: 1, duplicates: 0, unmatched: 0 });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ functionName: 'fn-images', origin: 's3', acceptedAt: 1000 });
    const event = JSON.parse(jobs[0]!.payload) as { Records: Record<string, unknown>[] };
    expect(event.Records).toHaveLength(1);
    expect(event.Records[0]).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-11-26T15:59:51.498Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: expect.any(String) },
      requestParameters: { sourceIPAddress: expect.any(String) },
      responseElements: { 'x-amz-request-id': expect.stringMatching(/^[0-9A-F]{16}$/), 'x-amz-id-2': expect.any(String) },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'images',
        bucket: { name: 'photos', ownerIdentity: { principalId: expect.any(String) }, arn: 'arn:aws:s3:::photos' },
        object: { key: 'images/red+flower.jpg', size: 3, eTag: '764efa883dda1e11db47671c4a3bbd9e', sequencer: expect.stringMatching(/^[0-9A-F]{18}$/) },
      },
    });
  });

  it('invokes once for a duplicate delivery (the same SNS message again)', async () => {
    const { jobs, dispatcher } = setup([binding('all', ['s3:ObjectCreated:*'])]);
    const delivery = () => [s3RecordEvent(motoRecord(), 0, { region: 'us-east-1', snsMessageId: 'm1' })];

    const first = await dispatcher.dispatch('sns', delivery());
    const again = await dispatcher.dispatch('sns', delivery());

    expect(first.queued).toBe(1);
    expect(again).toEqual({ queued: 0, duplicates: 1, unmatched: 0 });
    expect(jobs).toHaveLength(1);
  });

  it('queues each PUT of one key although LocalStack sends one fixed sequencer, and recognises a re-post of the same record', async () => {
    const { jobs, dispatcher } = setup([binding('all', ['s3:ObjectCreated:*'])]);
    // What LocalStack 4 sends for two PUTs of a.txt: its own request id and time each, one fixed sequencer.
    const localstack = (requestId: string, eventTime: string, eTag: string) => ({
      ...motoRecord('a.txt'),
      eventTime,
      responseElements: { 'x-amz-request-id': requestId, 'x-amz-id-2': 'eftixk72aD6Ap51TnqcoF8eFidJG9Z/2' },
      s3: { ...motoRecord().s3, object: { key: 'a.txt', sequencer: '0055AED6DCD90281E5', size: 1, eTag } },
    });
    const first = localstack('a1b2c3d4', '2026-12-07T10:00:00.100Z', 'e1');
    const second = localstack('e5f6a7b8', '2026-12-07T10:00:00.900Z', 'e1');

    const results = [];
    for (const record of [first, second, first]) results.push(await dispatcher.dispatch('s3', [s3RecordEvent(record, 0, { region: 'us-east-1' })]));

    expect(results.map((r) => [r.queued, r.duplicates])).toEqual([[1, 0], [1, 0], [0, 1]]);
    expect(new Set(jobs.map((j) => j.requestId)).size).toBe(2);
  });

  it('tells SNS deliveries apart by MessageId, whatever the record says (a retry keeps the MessageId)', async () => {
    const { jobs, dispatcher } = setup([binding('all', ['s3:ObjectCreated:*'])]);
    const record = { ...motoRecord('a.txt'), s3: { ...motoRecord().s3, object: { key: 'a.txt', sequencer: '0055AED6DCD90281E5' } } };
    const via = (messageId: string) => [s3RecordEvent(record, 0, { region: 'us-east-1', snsMessageId: messageId })];

    const results = [await dispatcher.dispatch('sns', via('m-1')), await dispatcher.dispatch('sns', via('m-2')), await dispatcher.dispatch('sns', via('m-1'))];

    expect(results.map((r) => [r.queued, r.duplicates])).toEqual([[1, 0], [1, 0], [0, 1]]);
    expect(jobs).toHaveLength(2);
  });

  it('delivers from an SNS topic only to bindings that name that topic or none', async () => {
    const { jobs, dispatcher } = setup([binding('a', ['s3:ObjectCreated:Put'], { prefix: 'a/' }, 'arn:aws:sns:us-east-1:1:t1'), binding('b', ['s3:ObjectCreated:Put'], { prefix: 'b/' })]);
    const events = [s3RecordEvent(motoRecord('a/x'), 0, { region: 'us-east-1', snsMessageId: 'm' }), s3RecordEvent(motoRecord('b/x'), 1, { region: 'us-east-1', snsMessageId: 'm' })];

    const result = await dispatcher.dispatch('sns', events, { topicArn: 'arn:aws:sns:us-east-1:1:t2' });

    expect(result).toEqual({ queued: 1, duplicates: 0, unmatched: 1 });
    expect(jobs.map((j) => j.functionName)).toEqual(['fn-b']);
  });

  it('normalises what MinIO posts (eventVersion 2.0, minio:s3, s3:-prefixed names, empty region) to AWS\'s shape', async () => {
    const { jobs, dispatcher } = setup([binding('all', ['s3:ObjectCreated:*'])]);
    const minio = parseS3Record({
      eventVersion: '2.0',
      eventSource: 'minio:s3',
      awsRegion: '',
      eventTime: '2019-10-22T09:27:27Z',
      eventName: 's3:ObjectCreated:Put',
      userIdentity: { principalId: 'minio' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'Config',
        bucket: { name: 'photos', ownerIdentity: { principalId: 'minio' }, arn: 'arn:aws:s3:::photos' },
        object: { key: 'hello.jpg', size: 1, eTag: 'e', sequencer: '15CFEDF8D5304D1A' },
      },
    })!;

    await dispatcher.dispatch('s3', [s3RecordEvent(minio, 0, { region: 'eu-west-1' })]);

    const record = (JSON.parse(jobs[0]!.payload) as { Records: { userIdentity: unknown; s3: { object: { sequencer: string } } }[] }).Records[0]!;
    expect(record).toMatchObject({ eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'eu-west-1', eventName: 'ObjectCreated:Put', eventTime: '2019-10-22T09:27:27.000Z' });
    expect(record.userIdentity).toEqual({ principalId: 'minio' });
    expect(record.s3.object.sequencer).toBe('15CFEDF8D5304D1A');
  });

  it('passes EventBridge S3 events through as the function\'s event, matched by their S3 event type', async () => {
    const { jobs, dispatcher } = setup([binding('created', ['s3:ObjectCreated:Copy']), binding('deleted', ['s3:ObjectRemoved:DeleteMarkerCreated'])]);
    const event = (detailType: string, detail: Record<string, unknown>, id: string) =>
      eventBridgePushEvent(
        eventBridgeS3EventSchema.parse({
          version: '0',
          id,
          'detail-type': detailType,
          source: 'aws.s3',
          account: '123456789012',
          time: '2026-11-26T10:00:00Z',
          region: 'us-east-1',
          resources: ['arn:aws:s3:::photos'],
          detail: { version: '0', bucket: { name: 'photos' }, object: { key: 'a b.txt' }, ...detail },
        }),
      );

    await dispatcher.dispatch('eventbridge', [event('Object Created', { reason: 'CopyObject' }, 'e1'), event('Object Created', { reason: 'PutObject' }, 'e2')]);
    await dispatcher.dispatch('eventbridge', [event('Object Deleted', { reason: 'DeleteObject', 'deletion-type': 'Delete Marker Created' }, 'e3')]);
    await dispatcher.dispatch('s3', [event('Object Deleted', { reason: 'DeleteObject', 'deletion-type': 'Delete Marker Created' }, 'e3')]);

    expect(jobs.map((j) => j.functionName)).toEqual(['fn-created', 'fn-deleted']);
    expect(JSON.parse(jobs[0]!.payload)).toMatchObject({ id: 'e1', 'detail-type': 'Object Created', source: 'aws.s3', detail: { object: { key: 'a b.txt' } } });
  });

  it('queues each of moto\'s EventBridge S3 events although they share one fixed id, and recognises a retry of one', async () => {
    const { jobs, dispatcher } = setup([binding('all', ['s3:ObjectCreated:*'])]);
    // moto 5.2: the same id, request-id and sequencer in every S3 event; epoch-second time and eTag differ.
    const moto = (time: number, etag: string) =>
      eventBridgePushEvent(
        eventBridgeS3EventSchema.parse({
          version: '0',
          id: '17793124-05d4-b198-2fde-7ededc63b103',
          'detail-type': 'Object Created',
          source: 'aws.s3',
          time,
          detail: { bucket: { name: 'photos' }, object: { key: 'a.txt', size: 1, eTag: etag, 'version-id': null, sequencer: '617f08299329d189' }, 'request-id': 'N4N7GDK58NMKJ12R', reason: 'PutObject' },
        }),
      );

    const results = [];
    for (const event of [moto(1765101600.12, 'e1'), moto(1765101601.57, 'e2'), moto(1765101600.12, 'e1')]) results.push(await dispatcher.dispatch('eventbridge', [event]));

    expect(results.map((r) => [r.queued, r.duplicates])).toEqual([[1, 0], [1, 0], [0, 1]]);
    expect(jobs).toHaveLength(2);
  });
});
