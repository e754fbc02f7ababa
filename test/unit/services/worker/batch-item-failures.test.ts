import { describe, expect, it } from 'vitest';
import { parseBatchItemFailures } from '../../../../services/worker/src/batch-item-failures.js';

const SEQS = ['100', '101', '102', '103'];

// https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
describe('parseBatchItemFailures', () => {
  it.each([
    ['an empty response', ''],
    ['a null response', 'null'],
    ['an empty object', '{}'],
    ['an empty list', '{"batchItemFailures":[]}'],
    ['a null list', '{"batchItemFailures":null}'],
  ])('treats %s as complete success', (_name, payload) => {
    expect(parseBatchItemFailures(payload, SEQS)).toEqual({ kind: 'success' });
  });

  it('cuts at the lowest failed sequence number, whatever the order reported', () => {
    const payload = JSON.stringify({ batchItemFailures: [{ itemIdentifier: '103' }, { itemIdentifier: '101' }] });

    expect(parseBatchItemFailures(payload, SEQS)).toEqual({ kind: 'partial', index: 1, sequenceNumber: '101' });
  });

  it.each([
    ['an empty itemIdentifier', '{"batchItemFailures":[{"itemIdentifier":""}]}'],
    ['a null itemIdentifier', '{"batchItemFailures":[{"itemIdentifier":null}]}'],
    ['a numeric itemIdentifier', '{"batchItemFailures":[{"itemIdentifier":101}]}'],
    ['a malformed itemIdentifier', '{"batchItemFailures":[{"itemIdentifier":"abc"}]}'],
    ['a misspelled key', '{"batchItemFailures":[{"foo":"101"}]}'],
    ['an identifier not in the batch', '{"batchItemFailures":[{"itemIdentifier":"999"}]}'],
    ['one foreign identifier among valid ones', '{"batchItemFailures":[{"itemIdentifier":"101"},{"itemIdentifier":"999"}]}'],
    ['a response that is not JSON', 'oops'],
    ['a JSON string', '"failed"'],
    ['a list that is not a list', '{"batchItemFailures":"101"}'],
  ])('treats %s as complete failure', (_name, payload) => {
    expect(parseBatchItemFailures(payload, SEQS)).toMatchObject({ kind: 'failure' });
  });
});
