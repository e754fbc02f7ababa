import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildKinesisStreamRecord } from '@sluice/shared';

function fixture(name: string): { Records: Record<string, unknown>[] } {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/events/kinesis/${name}.json`, import.meta.url), 'utf8')) as {
    Records: Record<string, unknown>[];
  };
}

/** Byte-exact: same members, same order, same number formatting as the golden document. */
function asEvent(records: { lambdaRecord: unknown }[]): string {
  return JSON.stringify({ Records: records.map((r) => r.lambdaRecord) });
}

const streamArn = 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream';

describe('buildKinesisStreamRecord', () => {
  it('builds the record of the Lambda developer guide example event, byte for byte', () => {
    // Arrange
    const sdkRecord = {
      SequenceNumber: '49590338271490256608559692538361571095921575989136588898',
      PartitionKey: '1',
      Data: new TextEncoder().encode('Hello, this is a test.'),
      ApproximateArrivalTimestamp: new Date(1545084650987),
      EncryptionType: 'NONE',
    };

    // Act
    const record = buildKinesisStreamRecord(sdkRecord, {
      shardId: 'shardId-000000000006',
      streamArn,
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
    });

    // Assert
    expect(asEvent([record])).toBe(JSON.stringify(fixture('record')));
  });

  it('adds encryptionType KMS for an encrypted record and names the sluice role of the stream account by default', () => {
    // Arrange
    const sdkRecord = {
      SequenceNumber: '49590338271490256608559692540925702759324208523137515618',
      PartitionKey: '1',
      Data: new TextEncoder().encode('This is only a test.'),
      ApproximateArrivalTimestamp: new Date(1545084711166),
      EncryptionType: 'KMS',
    };

    // Act
    const record = buildKinesisStreamRecord(sdkRecord, { shardId: 'shardId-000000000006', streamArn });

    // Assert
    expect(asEvent([record])).toBe(JSON.stringify(fixture('kms-encrypted')));
  });

  it('fills the poller fields: sequence number, partition key, arrival in ms and the JSON size of the record', () => {
    // Arrange
    const data = new Uint8Array([0, 255, 1, 2]).subarray(1, 3); // a view into a larger buffer
    const sdkRecord = { SequenceNumber: '7', PartitionKey: 'k', Data: data, ApproximateArrivalTimestamp: new Date(1700000000123) };

    // Act
    const record = buildKinesisStreamRecord(sdkRecord, { shardId: 'shardId-000000000001', streamArn });

    // Assert
    expect(record).toMatchObject({ sequenceNumber: '7', partitionKey: 'k', approximateArrivalMs: 1700000000123 });
    expect(record.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(record.lambdaRecord)));
    expect((record.lambdaRecord.kinesis as { data: string }).data).toBe(Buffer.from([255, 1]).toString('base64'));
    expect((record.lambdaRecord.kinesis as { approximateArrivalTimestamp: number }).approximateArrivalTimestamp).toBe(1700000000.123);
  });

  it('takes the partition of the invoke role from the stream ARN', () => {
    // Arrange
    const sdkRecord = { SequenceNumber: '1', PartitionKey: 'k', Data: new Uint8Array(), ApproximateArrivalTimestamp: new Date(0) };

    // Act
    const record = buildKinesisStreamRecord(sdkRecord, { shardId: 's', streamArn: 'arn:aws-cn:kinesis:cn-north-1:123456789012:stream/x' });

    // Assert
    expect(record.lambdaRecord).toMatchObject({ invokeIdentityArn: 'arn:aws-cn:iam::123456789012:role/sluice', awsRegion: 'cn-north-1' });
  });

  it('gives the exact UTF-8 JSON size for keys that need escapes or multi-byte characters, KMS records and odd data lengths', () => {
    // Arrange: the size is added up from the parts, so each kind of part is varied here.
    const keys = ['k', 'say "hi"', 'back\\slash', 'tab\tnew\nline\u0001', 'caf\u00e9', '\u6f22\u5b57', '\ud83d\ude80 rocket', 'lone \ud800 surrogate', '\u2028', '~ !#$%'];
    const contexts = [
      { shardId: 'shardId-000000000001', streamArn },
      { shardId: 'shard "q"', streamArn: 'arn:aws-cn:kinesis:cn-north-1:123456789012:stream/x\u00e9', invokeIdentityArn: 'arn:aws:iam::1:role/r\u00fc' },
    ];
    const records = contexts.flatMap((context) =>
      keys.flatMap((key, i) =>
        [0, 1, 2, 3, 4, 100].map((length) =>
          buildKinesisStreamRecord(
            {
              SequenceNumber: `4959033827149025660855969253836157109592157598913658${i}${length}`,
              PartitionKey: key,
              Data: new Uint8Array(length).fill(i),
              ApproximateArrivalTimestamp: new Date(1545084650987 + i * 7 + length),
              EncryptionType: length % 2 === 0 ? 'KMS' : 'NONE',
            },
            context,
          ),
        ),
      ),
    );

    // Assert
    for (const record of records) expect(record.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(record.lambdaRecord)));
  });

  it('refuses a record without a sequence number as SOURCE_INVALID', () => {
    expect(() => buildKinesisStreamRecord({ PartitionKey: 'k', ApproximateArrivalTimestamp: new Date() }, { shardId: 's', streamArn })).toThrow(
      expect.objectContaining({ code: 'SOURCE_INVALID' }),
    );
  });
});
