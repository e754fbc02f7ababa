import { describe, expect, it } from 'vitest';
import { buildDynamoDbStreamRecord, buildKinesisStreamRecord, compileRecordFilter, FilterPatternError } from '@sluice/shared';

const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
const tableStreamArn = 'arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2024-01-01T00:00:00.000';

function kinesisRecord(data: string, partitionKey = 'pk-1'): Record<string, unknown> {
  return buildKinesisStreamRecord(
    { SequenceNumber: '1', PartitionKey: partitionKey, Data: new TextEncoder().encode(data), ApproximateArrivalTimestamp: new Date(1_700_000_000_000) },
    { shardId: 'shardId-000000000000', streamArn },
  ).lambdaRecord;
}

describe('RecordFilter on Kinesis records', () => {
  it('matches data base64-decoded and parsed as JSON (Lambda Kinesis filtering: the "data" key)', () => {
    const filter = compileRecordFilter(['{"data":{"order":{"type":["buy"]}}}'], 'kinesis');
    expect(filter.matches(kinesisRecord('{"record":12345,"order":{"type":"buy","stock":"ANYCO"}}'))).toBe(true);
    expect(filter.matches(kinesisRecord('{"record":12345,"order":{"type":"sell"}}'))).toBe(false);
  });

  it('non-JSON data never matches a pattern on data (Lambda: non-JSON data with a JSON data pattern is dropped)', () => {
    const filter = compileRecordFilter(['{"data":{"type":["buy"]}}'], 'kinesis');
    expect(filter.matches(kinesisRecord('type=buy'))).toBe(false);
    expect(filter.explain(kinesisRecord('type=buy')).reasons[0]).toMatch(/data is not JSON/);
  });

  it('a metadata-only pattern still filters non-JSON data on metadata (Lambda: "filters on the other metadata properties only")', () => {
    const filter = compileRecordFilter(['{"partitionKey":["pk-1"]}'], 'kinesis');
    expect(filter.matches(kinesisRecord('not json', 'pk-1'))).toBe(true);
    expect(filter.matches(kinesisRecord('not json', 'pk-2'))).toBe(false);
  });

  it('filters are ORed: a record passes when any filter matches (Lambda: filters are logically ORed)', () => {
    const filter = compileRecordFilter(['{"data":{"t":["a"]}}', '{"partitionKey":["p"]}'], 'kinesis');
    expect(filter.matches(kinesisRecord('{"t":"a"}', 'x'))).toBe(true);
    expect(filter.matches(kinesisRecord('not json', 'p'))).toBe(true);
    expect(filter.matches(kinesisRecord('{"t":"b"}', 'x'))).toBe(false);
  });

  it('no filters lets every record through', () => {
    expect(compileRecordFilter([], 'kinesis').matches(kinesisRecord('x'))).toBe(true);
  });

  it('exact numbers in data keep their text: 300 does not match 300.0 (Lambda: numbers compared by string form)', () => {
    const filter = compileRecordFilter(['{"data":{"n":[300]}}'], 'kinesis');
    expect(filter.matches(kinesisRecord('{"n":300}'))).toBe(true);
    expect(filter.matches(kinesisRecord('{"n":300.0}'))).toBe(false);
  });

  it('anything-but and big integers also compare number text, not the float JSON.parse makes of it', () => {
    const notThree = compileRecordFilter(['{"data":{"n":[{"anything-but":[300]}]}}'], 'kinesis');
    expect(notThree.matches(kinesisRecord('{"n":300.0}'))).toBe(true);
    expect(notThree.matches(kinesisRecord('{"n":300}'))).toBe(false);
    const id = compileRecordFilter(['{"data":{"id":[12345678901234567891]}}'], 'kinesis');
    expect(id.matches(kinesisRecord('{"id":12345678901234567891}'))).toBe(true);
    expect(id.matches(kinesisRecord('{"id":12345678901234567890}'))).toBe(false);
  });

  it('explain names the filter and the failing field of each', () => {
    const filter = compileRecordFilter(['{"data":{"t":["a"]}}', '{"partitionKey":["p"]}'], 'kinesis');
    expect(filter.explain(kinesisRecord('{"t":"b"}', 'x'))).toEqual({
      matched: false,
      reasons: ['Filters[0]: data.t: "b" does not match ["a"]', 'Filters[1]: partitionKey: "x" does not match ["p"]'],
    });
  });

  it('an invalid pattern names its filter', () => {
    expect(() => compileRecordFilter(['{"a":["x"]}', '{"a":"x"}'], 'kinesis')).toThrow(FilterPatternError);
    expect(() => compileRecordFilter(['{"a":["x"]}', '{"a":"x"}'], 'kinesis')).toThrow(/^Filters\[1\]\.Pattern: "a" must be an object or an array/);
  });
});

describe('RecordFilter on DynamoDB records', () => {
  const insert = buildDynamoDbStreamRecord(
    {
      eventID: '1',
      eventName: 'INSERT',
      dynamodb: {
        ApproximateCreationDateTime: 1_700_000_000,
        Keys: { Id: { N: '101' } },
        NewImage: { Id: { N: '101' }, Message: { S: 'New item!' }, Tags: { SS: ['a', 'b'] } },
        SequenceNumber: '111',
        SizeBytes: 26,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    },
    { streamArn: tableStreamArn },
  ).lambdaRecord;

  it('matches typed attribute values under dynamodb (Lambda DynamoDB filtering: {"N": ["101"]})', () => {
    expect(compileRecordFilter(['{"dynamodb":{"Keys":{"Id":{"N":["101"]}}}}'], 'dynamodb').matches(insert)).toBe(true);
    expect(compileRecordFilter(['{"dynamodb":{"Keys":{"Id":{"N":["102"]}}}}'], 'dynamodb').matches(insert)).toBe(false);
  });

  it('matches top-level fields such as eventName', () => {
    expect(compileRecordFilter(['{"eventName":["INSERT"]}'], 'dynamodb').matches(insert)).toBe(true);
    expect(compileRecordFilter(['{"eventName":["REMOVE"]}'], 'dynamodb').matches(insert)).toBe(false);
  });

  it('a string set matches when any member matches, and OldImage absent satisfies exists:false', () => {
    expect(compileRecordFilter(['{"dynamodb":{"NewImage":{"Tags":{"SS":["b"]}}}}'], 'dynamodb').matches(insert)).toBe(true);
    expect(compileRecordFilter(['{"dynamodb":{"OldImage":{"Id":[{"exists":false}]}}}'], 'dynamodb').matches(insert)).toBe(true);
  });
});
