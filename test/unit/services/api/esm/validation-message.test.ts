import { describe, expect, it } from 'vitest';
import { createMappingRequest, updateMappingRequest } from '../../../../../services/api/src/esm/mapping-request-schemas.js';
import { dropNulls, parseRequest } from '../../../../../services/api/src/esm/validation-message.js';
import { LambdaApiError } from '../../../../../services/api/src/errors/lambda-api-error.js';

function message(schema: Parameters<typeof parseRequest>[0], body: unknown): string {
  try {
    parseRequest(schema, body);
  } catch (error) {
    expect(error).toBeInstanceOf(LambdaApiError);
    expect((error as LambdaApiError).errorType).toBe('InvalidParameterValueException');
    return (error as Error).message;
  }
  throw new Error('expected the body to be refused');
}

const valid = { FunctionName: 'f', EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', StartingPosition: 'LATEST' };

// AWS's request validation wording: "1 validation error detected: Value '0' at 'batchSize' failed to
// satisfy constraint: Member must have value greater than or equal to 1".
describe('Lambda-style validation messages', () => {
  it('writes range errors as AWS does', () => {
    expect(message(createMappingRequest, { ...valid, BatchSize: 0 })).toBe(
      "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect(message(createMappingRequest, { ...valid, ParallelizationFactor: 11, TumblingWindowInSeconds: 901 })).toBe(
      "2 validation errors detected: Value '11' at 'parallelizationFactor' failed to satisfy constraint: Member must have value less than or equal to 10; Value '901' at 'tumblingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
    );
  });

  it('names missing members, wrong types, enums and nested paths', () => {
    expect(message(createMappingRequest, { EventSourceArn: valid.EventSourceArn })).toMatch(/Value null at 'functionName' failed to satisfy constraint: Member must not be null/);
    expect(message(createMappingRequest, { ...valid, BatchSize: 'ten' })).toMatch(/Value 'ten' at 'batchSize' failed to satisfy constraint: Member must be of type/);
    expect(message(createMappingRequest, { ...valid, BatchSize: 1.5 })).toMatch(/at 'batchSize'/);
    expect(message(createMappingRequest, { ...valid, StartingPosition: 'EARLIEST' })).toMatch(/Member must satisfy enum value set: \[LATEST, AT_TIMESTAMP, TRIM_HORIZON\]/);
    expect(message(createMappingRequest, { ...valid, DestinationConfig: { OnFailure: { Destination: 'x'.repeat(351) } } })).toMatch(/at 'destinationConfig.onFailure.destination'.*length less than or equal to 350/);
  });

  it('refuses members Sluice does not support for streams, and the ones Update cannot change', () => {
    expect(message(createMappingRequest, { ...valid, Queues: ['q'] })).toMatch(/Unsupported parameter: Queues/);
    expect(message(updateMappingRequest, { EventSourceArn: valid.EventSourceArn, StartingPosition: 'LATEST' })).toMatch(/Unsupported parameters: EventSourceArn, StartingPosition/);
  });

  it('treats explicit nulls as absent members, as AWS JSON readers do', () => {
    expect(parseRequest(createMappingRequest, { ...valid, BatchSize: null })).toEqual(valid);
    expect(dropNulls(JSON.parse('{"a":[null,{"b":null,"c":1}],"__proto__":{"d":null},"e":null}'))).toEqual(JSON.parse('{"a":[null,{"c":1}],"__proto__":{}}'));
  });

  it('drops nulls from a value nested 100,000 deep without overflowing the stack', () => {
    let deep: unknown = { leaf: null, kept: 1 };
    for (let i = 0; i < 100_000; i++) deep = i % 2 === 0 ? [deep] : { n: deep, gone: null };

    let copy = dropNulls(deep);
    for (let i = 100_000 - 1; i >= 0; i--) copy = i % 2 === 0 ? (copy as unknown[])[0] : (copy as { n: unknown }).n;

    expect(copy).toEqual({ kept: 1 });
  });

  it('refuses a body that is not an object', () => {
    for (const body of [[], 'x', 3]) expect(message(createMappingRequest, body)).toMatch(/must be a JSON object/);
  });
});
