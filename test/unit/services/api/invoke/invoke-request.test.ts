import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '@sluice/shared';
import { refusal } from '../lambda-api-refusal.js';
import { qualifiedFunctionName } from '../../../../../services/api/src/functions/qualified-function-name.js';
import { invocationOptions } from '../../../../../services/api/src/invoke/invocation-options.js';
import { MAX_ASYNC_PAYLOAD_BYTES, MAX_SYNC_PAYLOAD_BYTES, invokePayload } from '../../../../../services/api/src/invoke/invoke-payload.js';

// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (aws-facts 3.8)
describe('invocationOptions', () => {
  it('defaults to RequestResponse without logs', () => {
    expect(invocationOptions({})).toEqual({ invocationType: 'RequestResponse', logType: 'None' });
  });

  it('reads the invocation and log types', () => {
    expect(invocationOptions({ 'x-amz-invocation-type': 'Event', 'x-amz-log-type': 'Tail' })).toEqual({ invocationType: 'Event', logType: 'Tail' });
    expect(invocationOptions({ 'x-amz-invocation-type': 'DryRun' }).invocationType).toBe('DryRun');
  });

  it('refuses values outside Lambda\'s enums with AWS\'s validation sentence', () => {
    const error = refusal(() => invocationOptions({ 'x-amz-invocation-type': 'event' }));
    expect(error.errorType).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value 'event' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
    );
    expect(refusal(() => invocationOptions({ 'x-amz-log-type': 'Full' })).message).toContain("at 'logType'");
  });

  it('refuses a client context over 3,583 bytes', () => {
    expect(invocationOptions({ 'x-amz-client-context': 'a'.repeat(3583) }).invocationType).toBe('RequestResponse');
    expect(refusal(() => invocationOptions({ 'x-amz-client-context': 'a'.repeat(3584) })).errorType).toBe('InvalidParameterValueException');
  });
});

describe('invokePayload', () => {
  it('passes JSON through as sent, and no payload as {}', () => {
    expect(invokePayload('{"a": [1, 2]}', 'RequestResponse')).toBe('{"a": [1, 2]}');
    expect(invokePayload('"just a string"', 'Event')).toBe('"just a string"');
    expect(invokePayload(undefined, 'RequestResponse')).toBe('{}');
    expect(invokePayload('', 'DryRun')).toBe('{}');
  });

  it('refuses what is not JSON: 400 InvalidRequestContentException', () => {
    const error = refusal(() => invokePayload('{"a":', 'RequestResponse'));
    expect([error.errorType, error.status]).toEqual(['InvalidRequestContentException', 400]);
    expect(error.message).toMatch(/^Could not parse request body into json: Could not parse payload into json: /);
  });

  it('refuses a payload nested deeper than MAX_JSON_DEPTH for every invocation type: 400 InvalidRequestContentException', () => {
    const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    expect(invokePayload(deep(MAX_JSON_DEPTH), 'Event')).toBe(deep(MAX_JSON_DEPTH));
    for (const type of ['Event', 'RequestResponse', 'DryRun'] as const) {
      const error = refusal(() => invokePayload(deep(10_000), type));
      expect([error.errorType, error.status]).toEqual(['InvalidRequestContentException', 400]);
      expect(error.message).toBe(`Could not parse request body into json: Could not parse payload into json: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
  });

  it('6 MB for synchronous invocations, 1 MB for Event, counted in bytes', () => {
    const atAsync = JSON.stringify('x'.repeat(MAX_ASYNC_PAYLOAD_BYTES - 2));
    expect(invokePayload(atAsync, 'Event')).toBe(atAsync);
    // Two bytes per character in UTF-8: under the limit in characters, over it in bytes.
    const wide = JSON.stringify('é'.repeat(MAX_ASYNC_PAYLOAD_BYTES / 2));
    const event = refusal(() => invokePayload(wide, 'Event'));
    expect([event.errorType, event.status]).toEqual(['RequestTooLargeException', 413]);
    expect(event.message).toBe(`${Buffer.byteLength(wide)} byte payload is too large for the Event invocation type (limit 1048576 bytes)`);
    expect(invokePayload(wide, 'RequestResponse')).toBe(wide);
    const sync = refusal(() => invokePayload(JSON.stringify('x'.repeat(MAX_SYNC_PAYLOAD_BYTES)), 'RequestResponse'));
    expect(sync.message).toBe('Request must be smaller than 6291456 bytes for the InvokeFunction operation');
  });
});

describe('qualifiedFunctionName', () => {
  it('folds the Qualifier parameter into the name, or checks it matches the one the name carries', () => {
    expect(qualifiedFunctionName('orders', undefined)).toBe('orders');
    expect(qualifiedFunctionName('orders', '$LATEST')).toBe('orders:$LATEST');
    expect(qualifiedFunctionName('arn:aws:lambda:us-east-1:000000000000:function:orders', 'prod')).toBe('arn:aws:lambda:us-east-1:000000000000:function:orders:prod');
    expect(qualifiedFunctionName('orders:prod', 'prod')).toBe('orders:prod');
  });

  it('refuses a qualifier that contradicts the name, or breaks Lambda\'s pattern', () => {
    expect(refusal(() => qualifiedFunctionName('orders:prod', '$LATEST')).message).toBe('The derived qualifier from the function name does not match the specified qualifier.');
    expect(refusal(() => qualifiedFunctionName('orders', 'no/slash')).message).toContain("at 'qualifier' failed to satisfy constraint");
  });
});
