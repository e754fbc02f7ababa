import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, asyncFailureObjectKey, buildAsyncInvocationRecord, type AsyncInvocationRecordInput } from '@sluice/shared';

const goldenText = (name: string): string => readFileSync(new URL(`../../../fixtures/destinations/${name}.json`, import.meta.url), 'utf8');
/** The fixture re-serialised compactly: comparing text checks AWS's key order too. */
const golden = (name: string): string => JSON.stringify(JSON.parse(goldenText(name)));

const base: AsyncInvocationRecordInput = {
  requestId: 'e4b46cbf-b738-4a1b-8880-a18cdf61200e',
  functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:my-function',
  qualifier: '$LATEST',
  condition: 'RetriesExhausted',
  approximateInvokeCount: 3,
  requestPayload: '{"orderId":"9e07af03"}',
  response: { statusCode: 200, functionError: 'Unhandled', payload: '{"errorMessage":"Process exited before completing request"}' },
  timestampMs: Date.parse('2019-11-14T18:16:05.568Z'),
};

// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html (aws-facts 2.5)
describe('buildAsyncInvocationRecord', () => {
  it('builds the RetriesExhausted record of the AWS docs', () => {
    expect(JSON.stringify(buildAsyncInvocationRecord(base))).toBe(golden('async-retries-exhausted'));
  });

  it('keeps payloads nested deeper than MAX_JSON_DEPTH as text, so the record can always be written', () => {
    const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const record = buildAsyncInvocationRecord({ ...base, requestPayload: deep(10_000), response: { statusCode: 200, payload: deep(MAX_JSON_DEPTH + 1) } });

    expect(record.requestPayload).toBe(deep(10_000));
    expect(record.responsePayload).toBe(deep(MAX_JSON_DEPTH + 1));
    expect(JSON.parse(JSON.stringify(record))).toMatchObject({ requestPayload: deep(10_000) });
    expect(buildAsyncInvocationRecord({ ...base, requestPayload: deep(MAX_JSON_DEPTH) }).requestPayload).toBeInstanceOf(Array);
  });

  it('builds Success with responseContext but no functionError, and null for an empty response', () => {
    const record = buildAsyncInvocationRecord({ ...base, condition: 'Success', approximateInvokeCount: 1, response: { statusCode: 200, payload: '' } });

    expect(JSON.stringify(record)).toBe(golden('async-success'));
  });

  it('builds EventAgeExceeded with the last failed invocation, as AWS recorded it', () => {
    const response = { statusCode: 200, functionError: 'Unhandled', payload: '{"errorType":"Error","errorMessage":"intentional failure"}' };
    const record = buildAsyncInvocationRecord({ ...base, condition: 'EventAgeExceeded', approximateInvokeCount: 1, response });

    expect(JSON.stringify(record)).toBe(golden('async-event-age-exceeded'));
  });

  it('builds EventAgeExceeded of an event that never ran without response fields', () => {
    const { response: _none, ...neverRan } = base;
    const record = buildAsyncInvocationRecord({ ...neverRan, condition: 'EventAgeExceeded', approximateInvokeCount: 0 });

    expect(JSON.stringify(record)).toBe(golden('async-event-age-exceeded-never-invoked'));
  });

  it('builds ZeroReservedConcurrency without response fields', () => {
    const { response: _none, ...neverRan } = base;
    const record = buildAsyncInvocationRecord({ ...neverRan, condition: 'ZeroReservedConcurrency', approximateInvokeCount: 0 });

    expect(JSON.stringify(record)).toBe(golden('async-zero-reserved-concurrency'));
  });

  it('keeps a response that is not JSON as text', () => {
    const record = buildAsyncInvocationRecord({ ...base, response: { statusCode: 502, functionError: 'Unhandled', payload: 'Bad Gateway' } });

    expect(record.responsePayload).toBe('Bad Gateway');
  });
});

describe('asyncFailureObjectKey', () => {
  it('lays out aws/lambda/async/<function>/YYYY/MM/DD/<time>-<id>', () => {
    expect(asyncFailureObjectKey('my-function', Date.parse('2019-11-14T18:16:05.568Z'), 'd1')).toBe('aws/lambda/async/my-function/2019/11/14/2019-11-14T18.16.05-d1');
  });
});
