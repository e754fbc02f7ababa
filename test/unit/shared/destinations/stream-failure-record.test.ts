import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildStreamFailureRecord, failureObjectKey, type StreamFailureRecordInput } from '@sluice/shared';

const golden = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../fixtures/destinations/${name}.json`, import.meta.url), 'utf8'));

const kinesis: StreamFailureRecordInput = {
  requestId: 'c9b8fa9f-5a7f-4a1b-af9c-0c604cde93a5',
  functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction',
  condition: 'RetryAttemptsExhausted',
  approximateInvokeCount: 3,
  response: { statusCode: 200, functionError: 'Unhandled' },
  timestampMs: Date.parse('2019-11-14T00:38:06.021Z'),
  sourceKind: 'kinesis',
  shardId: 'shardId-000000000001',
  eventSourceArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/mystream',
  startSequenceNumber: '49601189658422359378836298521827638475320189012309704722',
  endSequenceNumber: '49601189658422359378836298522902373528957594348623495186',
  firstArrivalMs: Date.parse('2019-11-14T00:38:04.835Z'),
  lastArrivalMs: Date.parse('2019-11-14T00:38:05.580Z'),
  batchSize: 500,
};

// https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
describe('buildStreamFailureRecord', () => {
  it('builds the Kinesis RetryAttemptsExhausted record', () => {
    expect(buildStreamFailureRecord(kinesis)).toEqual(golden('kinesis-retry-attempts-exhausted'));
  });

  it('builds RecordAgeExceeded without responseContext', () => {
    const record = buildStreamFailureRecord({ ...kinesis, condition: 'RecordAgeExceeded', approximateInvokeCount: 0 });

    expect(record).toEqual(golden('kinesis-record-age-exceeded'));
  });

  it('reports a stream consumer mapping under its stream ARN', () => {
    const record = buildStreamFailureRecord({ ...kinesis, eventSourceArn: `${kinesis.eventSourceArn}/consumer/c1:1573689847` });

    expect(record).toEqual(golden('kinesis-retry-attempts-exhausted'));
  });

  it('builds the DynamoDB record with second-precision arrival times', () => {
    const record = buildStreamFailureRecord({
      ...kinesis,
      requestId: '316aa6d0-8154-4a1b-9af7-85d5f4a6bc81',
      approximateInvokeCount: 1,
      timestampMs: Date.parse('2019-11-14T00:13:49.717Z'),
      sourceKind: 'dynamodb',
      shardId: 'shardId-00000001573689847184-864758bb',
      eventSourceArn: 'arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/2019-11-14T00:04:06.388',
      startSequenceNumber: '800000000003126276362',
      endSequenceNumber: '800000000003126276362',
      firstArrivalMs: Date.parse('2019-11-14T00:13:19.000Z'),
      lastArrivalMs: Date.parse('2019-11-14T00:13:19.999Z'),
      batchSize: 1,
    });

    expect(record).toEqual(golden('dynamodb-retry-attempts-exhausted'));
  });
});

describe('failureObjectKey', () => {
  it('follows aws/lambda/<ESM-UUID>/<shardId>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>', () => {
    const key = failureObjectKey('esm-1', 'shardId-000000000001', Date.parse('2019-11-04T07:08:09.123Z'), 'u-1');

    expect(key).toBe('aws/lambda/esm-1/shardId-000000000001/2019/11/04/2019-11-04T07.08.09-u-1');
  });
});
