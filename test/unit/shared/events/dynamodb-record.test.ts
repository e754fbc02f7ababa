import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDynamoDbStreamRecord, type DynamoDbRecordInput } from '@sluice/shared';

function fixture(name: string): { Records: { eventSourceARN: string }[] } {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/events/dynamodb/${name}.json`, import.meta.url), 'utf8')) as {
    Records: { eventSourceARN: string }[];
  };
}

/** Byte-exact: same members, same order, same number formatting as the golden document. */
function asEvent(records: { lambdaRecord: unknown }[]): string {
  return JSON.stringify({ Records: records.map((r) => r.lambdaRecord) });
}

const n = (N: string) => ({ N });
const s = (S: string) => ({ S });

describe('buildDynamoDbStreamRecord', () => {
  it('builds the aws-facts MODIFY example from an SDK record as moto returns it (eventVersion 1.0, ms precision Date)', () => {
    // Arrange
    const sdkRecord: DynamoDbRecordInput = {
      eventID: 'c4ca4238a0b923820dcc509a6f75849b',
      eventName: 'MODIFY',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2023-11-14T22:13:20.750Z'),
        Keys: { Id: n('101') },
        NewImage: { Id: n('101'), Message: s('This item has changed') },
        OldImage: { Id: n('101'), Message: s('New item!') },
        SequenceNumber: '222',
        SizeBytes: 59,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    const asMotoSendsIt = { ...sdkRecord, eventVersion: '1.0', awsRegion: 'us-west-2' };
    const golden = fixture('modify-new-and-old-images');

    // Act
    const record = buildDynamoDbStreamRecord(asMotoSendsIt, { streamArn: golden.Records[0]!.eventSourceARN });

    // Assert
    expect(asEvent([record])).toBe(JSON.stringify(golden));
  });

  it('builds the developer guide INSERT, MODIFY, REMOVE sequence with the images each event carries', () => {
    // Arrange
    const golden = fixture('insert-modify-remove');
    const streamArn = golden.Records[0]!.eventSourceARN;
    const base = { Keys: { Id: n('101') }, StreamViewType: 'NEW_AND_OLD_IMAGES' };
    const sdkRecords: DynamoDbRecordInput[] = [
      { eventID: '1', eventName: 'INSERT', dynamodb: { ...base, ApproximateCreationDateTime: '2023-11-14T22:13:20.000Z', NewImage: { Message: s('New item!'), Id: n('101') }, SequenceNumber: '111', SizeBytes: 26 } },
      {
        eventID: '2',
        eventName: 'MODIFY',
        dynamodb: {
          ...base,
          ApproximateCreationDateTime: 1700000001,
          NewImage: { Message: s('This item has changed'), Id: n('101') },
          OldImage: { Message: s('New item!'), Id: n('101') },
          SequenceNumber: '222',
          SizeBytes: 59,
        },
      },
      { eventID: '3', eventName: 'REMOVE', dynamodb: { ...base, ApproximateCreationDateTime: 1700000002999, OldImage: { Message: s('This item has changed'), Id: n('101') }, SequenceNumber: '333', SizeBytes: 38 } },
    ];

    // Act
    const records = sdkRecords.map((r) => buildDynamoDbStreamRecord(r, { streamArn }));

    // Assert
    expect(asEvent(records)).toBe(JSON.stringify(golden));
  });

  it('builds a KEYS_ONLY record with a composite key', () => {
    // Arrange
    const golden = fixture('modify-keys-only');
    const sdkRecord: DynamoDbRecordInput = {
      eventID: '7de3041dd34ecb3d4d5fbb2d7b9d4c4b',
      eventName: 'MODIFY',
      dynamodb: { ApproximateCreationDateTime: new Date(1700000000000), Keys: { pk: s('order#1'), sk: n('7') }, SequenceNumber: '4400000000000123456789', SizeBytes: 21, StreamViewType: 'KEYS_ONLY' },
    };

    // Act
    const record = buildDynamoDbStreamRecord(sdkRecord, { streamArn: golden.Records[0]!.eventSourceARN });

    // Assert
    expect(asEvent([record])).toBe(JSON.stringify(golden));
  });

  it('keeps userIdentity on a TTL deletion', () => {
    // Arrange
    const golden = fixture('ttl-remove');
    const sdkRecord: DynamoDbRecordInput = {
      eventID: 'a9c1bb2a64a6e8d2c0c6a2c6e9c1b1f0',
      eventName: 'REMOVE',
      dynamodb: {
        ApproximateCreationDateTime: new Date(1700000100000),
        Keys: { Id: s('session-1') },
        OldImage: { Id: s('session-1'), expiresAt: n('1700000000') },
        SequenceNumber: '500',
        SizeBytes: 45,
        StreamViewType: 'OLD_IMAGE',
      },
      userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
    };

    // Act
    const record = buildDynamoDbStreamRecord(sdkRecord, { streamArn: golden.Records[0]!.eventSourceARN });

    // Assert
    expect(asEvent([record])).toBe(JSON.stringify(golden));
  });

  it('writes every attribute type in typed JSON, binary (SDK Uint8Array) as base64', () => {
    // Arrange
    const golden = fixture('insert-every-attribute-type');
    const bytes = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4); // a view into a larger buffer
    const sdkRecord: DynamoDbRecordInput = {
      eventID: 'f1e2d3c4b5a697887766554433221100',
      eventName: 'INSERT',
      dynamodb: {
        ApproximateCreationDateTime: new Date(1700000000000),
        Keys: { id: { B: bytes } },
        NewImage: {
          id: { B: bytes },
          name: s('widget'),
          price: n('12.50'),
          tags: { SS: ['a', 'b'] },
          sizes: { NS: ['1', '2'] },
          blobs: { BS: [new TextEncoder().encode('xyz'), new Uint8Array()] },
          spec: { M: { ok: { BOOL: true }, none: { NULL: true } } },
          parts: { L: [s('bolt'), n('3'), { L: [] }] },
        },
        SequenceNumber: '600',
        SizeBytes: 120,
        StreamViewType: 'NEW_IMAGE',
      },
    };

    // Act
    const record = buildDynamoDbStreamRecord(sdkRecord, { streamArn: golden.Records[0]!.eventSourceARN });

    // Assert
    expect(asEvent([record])).toBe(JSON.stringify(golden));
  });

  it('fills the poller fields: partition key is the canonical JSON of Keys, arrival keeps milliseconds', () => {
    // Arrange
    const sdkRecord: DynamoDbRecordInput = {
      eventID: 'e',
      eventName: 'INSERT',
      dynamodb: { ApproximateCreationDateTime: '2023-11-14T22:13:20.750Z', Keys: { sk: n('7'), pk: s('a') }, SequenceNumber: '9', SizeBytes: 3, StreamViewType: 'KEYS_ONLY' },
    };

    // Act
    const record = buildDynamoDbStreamRecord(sdkRecord, { streamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/x' });

    // Assert
    expect(record).toMatchObject({ sequenceNumber: '9', partitionKey: '{"pk":{"S":"a"},"sk":{"N":"7"}}', approximateArrivalMs: 1700000000750 });
    expect(record.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(record.lambdaRecord)));
  });

  it('refuses a record without a sequence number as SOURCE_INVALID', () => {
    expect(() => buildDynamoDbStreamRecord({ eventName: 'INSERT', dynamodb: { Keys: {} } }, { streamArn: 'arn:aws:dynamodb:us-east-1:1:table/T/stream/x' })).toThrow(
      expect.objectContaining({ code: 'SOURCE_INVALID' }),
    );
  });
});
