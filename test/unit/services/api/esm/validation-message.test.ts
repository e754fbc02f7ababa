import { describe, expect, it } from 'vitest';
import { createMappingRequest, updateMappingRequest } from '../../../../../services/api/src/esm/mapping-request-schemas.js';
import { dropNulls, parseRequest } from '../../../../../services/api/src/esm/validation-message.js';
import { LambdaApiError } from '../../../../../services/api/src/errors/lambda-api-error.js';

function refused(schema: Parameters<typeof parseRequest>[0], body: unknown): LambdaApiError {
  try {
    parseRequest(schema, body);
  } catch (error) {
    expect(error).toBeInstanceOf(LambdaApiError);
    return error as LambdaApiError;
  }
  throw new Error('expected the body to be refused');
}

/** A model constraint broken: AWS's framework ValidationException, 400. */
function message(schema: Parameters<typeof parseRequest>[0], body: unknown): string {
  const error = refused(schema, body);
  expect([error.errorType, error.status]).toEqual(['ValidationException', 400]);
  return error.message;
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
    expect(message(createMappingRequest, { ...valid, DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:us-east-1:000000000000:${'x'.repeat(351)}` } } })).toMatch(/at 'destinationConfig.onFailure.destination'.*length less than or equal to 350/);
    expect(message(createMappingRequest, { ...valid, ScalingConfig: { MaximumConcurrency: 1 } })).toBe(
      "1 validation error detected: Value '1' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 2",
    );
  });

  it('reports a list\'s faults once, at the list, with its value as Java prints it (the forms recorded on AWS)', () => {
    expect(message(createMappingRequest, { ...valid, FunctionResponseTypes: ['Everything'] })).toBe(
      "1 validation error detected: Value '[Everything]' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures], Member must not be null]",
    );
    expect(message(createMappingRequest, { ...valid, FunctionResponseTypes: ['ReportBatchItemFailures', 'ReportBatchItemFailures'] })).toBe(
      "1 validation error detected: Value '[ReportBatchItemFailures, ReportBatchItemFailures]' at 'functionResponseTypes' failed to satisfy constraint: Member must have length less than or equal to 1",
    );
  });

  it('reports a map\'s keys and values at the map (Tags), with the model\'s patterns quoted', () => {
    expect(message(createMappingRequest, { ...valid, Tags: { ['k'.repeat(129)]: 'v' } })).toBe(
      `1 validation error detected: Value '{${'k'.repeat(129)}=v}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128]`,
    );
    expect(message(createMappingRequest, { ...valid, Tags: { team: 'a#b' } })).toBe(
      "1 validation error detected: Value '{team=a#b}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must satisfy regular expression pattern: ([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)]",
    );
    expect(parseRequest(createMappingRequest, { ...valid, Tags: { 'team:é': 'data platform/2' } }).Tags).toEqual({ 'team:é': 'data platform/2' });
  });

  it('quotes the model\'s pattern for a pattern broken, and counts several members', () => {
    expect(message(createMappingRequest, { ...valid, EventSourceArn: 'not-an-arn', BatchSize: 0 })).toBe(
      "2 validation errors detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1; Value 'not-an-arn' at 'eventSourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)",
    );
  });

  it('refuses members the model does not have as Sluice\'s own InvalidParameterValueException, and the ones Update cannot change', () => {
    const unknown = refused(createMappingRequest, { ...valid, Colour: 'red' });
    expect([unknown.errorType, unknown.message]).toEqual(['InvalidParameterValueException', 'Unsupported parameter: Colour']);
    expect(refused(updateMappingRequest, { EventSourceArn: valid.EventSourceArn, StartingPosition: 'LATEST' }).message).toMatch(/Unsupported parameters: EventSourceArn, StartingPosition/);
  });

  it('takes the model\'s members of sources Sluice does not map, for the profiles to refuse in Lambda\'s words', () => {
    expect(parseRequest(createMappingRequest, { ...valid, Queues: ['q'], Topics: ['t'] })).toMatchObject({ Queues: ['q'], Topics: ['t'] });
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
    for (const body of [[], 'x', 3]) expect(refused(createMappingRequest, body).message).toMatch(/must be a JSON object/);
  });
});
