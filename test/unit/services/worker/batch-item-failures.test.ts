import { describe, expect, it } from 'vitest';
import { parseBatchItemFailures, parseQueueItemFailures } from '../../../../services/worker/src/batch-item-failures.js';

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

const MESSAGE_IDS = ['059f36b4-87a3-44ab-83d2-661975830a7d', '2e1424d4-f796-459a-8184-9c92662be6da', 'c80e8021-a70a-42c7-a470-796e1186f753'];
const [M1, M2, M3] = MESSAGE_IDS as [string, string, string];

// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
// ("Success and failure conditions").
describe('parseQueueItemFailures', () => {
  it.each([
    ['an empty batchItemFailures list', '{"batchItemFailures":[]}'],
    ['a null batchItemFailures list', '{"batchItemFailures":null}'],
    ['an empty EventResponse', '{}'],
    ['a null EventResponse', 'null'],
    ['no response body at all', ''],
    ['a response without batchItemFailures', '{"statusCode":200}'],
  ])('treats %s as complete success', (_name, payload) => {
    expect(parseQueueItemFailures(payload, MESSAGE_IDS)).toEqual({ kind: 'success' });
  });

  it('names the listed messages, each once, in the order listed', () => {
    const payload = JSON.stringify({ batchItemFailures: [{ itemIdentifier: M3 }, { itemIdentifier: M1 }, { itemIdentifier: M3 }] });

    expect(parseQueueItemFailures(payload, MESSAGE_IDS)).toEqual({ kind: 'partial', itemIdentifiers: [M3, M1] });
  });

  it('takes any messageId of the batch: an SQS messageId is not a sequence number', () => {
    expect(parseQueueItemFailures(JSON.stringify({ batchItemFailures: [{ itemIdentifier: M2 }] }), MESSAGE_IDS)).toEqual({ kind: 'partial', itemIdentifiers: [M2] });
  });

  it.each([
    ['an invalid JSON response', '{"batchItemFailures":['],
    ['an empty-string itemIdentifier', '{"batchItemFailures":[{"itemIdentifier":""}]}'],
    ['a null itemIdentifier', '{"batchItemFailures":[{"itemIdentifier":null}]}'],
    ['an itemIdentifier with a bad key name', '{"batchItemFailures":[{"foo":"notvalid"}]}'],
    ['an itemIdentifier with a message ID that does not exist', '{"batchItemFailures":[{"itemIdentifier":"6b7c9f2e-0000-4000-8000-000000000000"}]}'],
    ['one foreign identifier among valid ones', `{"batchItemFailures":[{"itemIdentifier":"${M1}"},{"itemIdentifier":"nope"}]}`],
  ])('treats %s as complete failure', (_name, payload) => {
    expect(parseQueueItemFailures(payload, MESSAGE_IDS)).toMatchObject({ kind: 'failure' });
  });
});
