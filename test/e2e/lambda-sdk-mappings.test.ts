import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ResourceConflictException,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  type LambdaClient,
  type ListEventSourceMappingsCommandOutput,
} from '@aws-sdk/client-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableWithStream } from '../helpers/dynamodb-test-table.js';
import { createTestStream, kinesisClient } from '../helpers/kinesis-test-stream.js';
import { registerHttpFunction, stackEnv, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { TEST_CREDENTIALS, invalidParameter, sdkRefusal, sluiceLambdaClient, validation, waitForMappingGone, waitForMappingState } from '../helpers/sluice-lambda.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';

// Drives the registry with the real AWS SDK LambdaClient against Sluice running as its own process.
const stack = inject('stack');
const region = 'us-east-1';
const account = '000000000000';
const prefix = uniqueName('e2e-sdk');
const env = stackEnv(stack, prefix, { SLUICE_STATE_SETTLE_MS: '150' });

let sluice: SluiceProcess;
let lambda: LambdaClient;
let streamArn: string;
let otherStreamArn: string;
let tableStreamArn: string;
const fn = uniqueName('fn');
const otherFn = uniqueName('fn-other');

async function registerFunction(name: string): Promise<void> {
  expect(await registerHttpFunction(sluice.url, name, 'http://127.0.0.1:9/')).toBe(201);
}

async function createKinesisStream(name: string): Promise<string> {
  const kinesis = kinesisClient(stack.kinesisEndpoint);
  const arn = await createTestStream(kinesis, name, 1);
  kinesis.destroy();
  return arn;
}

async function createTableStream(name: string): Promise<string> {
  const dynamodb = new DynamoDBClient({ region, credentials: TEST_CREDENTIALS, endpoint: stack.motoEndpoint });
  const arn = await createTableWithStream(dynamodb, name);
  dynamodb.destroy();
  return arn;
}

function create(input: Partial<CreateEventSourceMappingCommandInput>) {
  return lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: streamArn, StartingPosition: 'LATEST', ...input }),
  );
}

const settled = (uuid: string, state: string) => waitForMappingState(lambda, uuid, state);

async function deleteAndWait(uuid: string): Promise<void> {
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
  await waitForMappingGone(lambda, uuid);
}

beforeAll(async () => {
  [streamArn, otherStreamArn, tableStreamArn] = await Promise.all([
    createKinesisStream(uniqueName('sdk-stream')),
    createKinesisStream(uniqueName('sdk-stream-2')),
    createTableStream(uniqueName('sdk-table')),
  ]);
  sluice = await startSluice({ env });
  lambda = sluiceLambdaClient(sluice.url);
  await registerFunction(fn);
  await registerFunction(otherFn);
});

afterAll(async () => {
  lambda?.destroy();
  await sluice?.stop();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

describe('CreateEventSourceMapping through the AWS SDK', () => {
  it('answers a Kinesis mapping with AWS defaults, in Creating, then settles to Enabled', async () => {
    const created = await create({});
    expect(created.$metadata.httpStatusCode).toBe(202);
    expect(created).toMatchObject({
      StartingPosition: 'LATEST',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 0,
      ParallelizationFactor: 1,
      EventSourceArn: streamArn,
      FunctionArn: `arn:aws:lambda:${region}:${account}:function:${fn}`,
      LastProcessingResult: 'No records processed',
      State: 'Creating',
      StateTransitionReason: 'User action',
      DestinationConfig: { OnFailure: {} },
      MaximumRecordAgeInSeconds: -1,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: -1,
      TumblingWindowInSeconds: 0,
      FunctionResponseTypes: [],
      EventSourceMappingArn: `arn:aws:lambda:${region}:${account}:event-source-mapping:${created.UUID}`,
    });
    expect(created.UUID).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.LastModified).toBeInstanceOf(Date);
    expect(Math.abs(created.LastModified!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(created.FilterCriteria).toBeUndefined();

    const enabled = await settled(created.UUID!, 'Enabled');
    expect(enabled.BatchSize).toBe(100);
    await deleteAndWait(created.UUID!);
  });

  it('creates a disabled mapping that settles to Disabled', async () => {
    const created = await create({ Enabled: false, EventSourceArn: otherStreamArn });
    expect(created.State).toBe('Creating');
    await settled(created.UUID!, 'Disabled');
    await deleteAndWait(created.UUID!);
  });

  it('maps a DynamoDB stream from TRIM_HORIZON', async () => {
    const created = await create({ EventSourceArn: tableStreamArn, StartingPosition: 'TRIM_HORIZON' });
    expect(created).toMatchObject({ EventSourceArn: tableStreamArn, StartingPosition: 'TRIM_HORIZON', State: 'Creating' });
    await settled(created.UUID!, 'Enabled');
    await deleteAndWait(created.UUID!);
  });

  it('stores and returns every optional setting as given', async () => {
    const filters = [{ Pattern: '{"data":{"kind":["order"]}}' }, { Pattern: '{"partitionKey":[{"prefix":"eu-"}]}' }];
    const created = await create({
      FunctionName: `arn:aws:lambda:${region}:${account}:function:${otherFn}`,
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 4,
      DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:${region}:${account}:failures` } },
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      TumblingWindowInSeconds: 60,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: filters },
      MetricsConfig: { Metrics: ['EventCount'] },
      KMSKeyArn: `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      Tags: { team: 'data' },
    });
    const got = await settled(created.UUID!, 'Enabled');
    expect(got).toMatchObject({
      FunctionArn: `arn:aws:lambda:${region}:${account}:function:${otherFn}`,
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 4,
      DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:${region}:${account}:failures` } },
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      TumblingWindowInSeconds: 60,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: filters },
      MetricsConfig: { Metrics: ['EventCount'] },
      KMSKeyArn: `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    });
    // With a customer KMS key, List leaves the (encrypted) filter criteria out; Get shows them.
    const listed = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: streamArn, FunctionName: otherFn }));
    expect(listed.EventSourceMappings?.map((m) => [m.UUID, m.FilterCriteria, m.KMSKeyArn])).toEqual([[created.UUID, undefined, got.KMSKeyArn]]);
    expect(got.FilterCriteriaError).toBeUndefined();
    expect(await lambda.send(new ListTagsCommand({ Resource: created.EventSourceMappingArn }))).toMatchObject({ Tags: { team: 'data' } });
    await deleteAndWait(created.UUID!);
  });

  it('accepts AT_TIMESTAMP on Kinesis with a past timestamp', async () => {
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const created = await create({ StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: at });
    expect(created.StartingPosition).toBe('AT_TIMESTAMP');
    expect(created.StartingPositionTimestamp?.getTime()).toBe(at.getTime());
    await settled(created.UUID!, 'Enabled');
    await deleteAndWait(created.UUID!);
  });

  // The API model's own constraints: AWS's framework answers them, before Lambda's rules, with a
  // ValidationException (the SDK's generic service exception of that name).
  const modelConstraints: [string, () => Partial<CreateEventSourceMappingCommandInput>, string][] = [
    ['BatchSize 0', () => ({ BatchSize: 0 }), "Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    ['BatchSize 10001', () => ({ BatchSize: 10001 }), "Value '10001' at 'batchSize' failed to satisfy constraint: Member must have value less than or equal to 10000"],
    ['ParallelizationFactor 11', () => ({ ParallelizationFactor: 11 }), "Value '11' at 'parallelizationFactor' failed to satisfy constraint: Member must have value less than or equal to 10"],
    ['MaximumRecordAgeInSeconds 604801', () => ({ MaximumRecordAgeInSeconds: 604801 }), "Value '604801' at 'maximumRecordAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to 604800"],
    ['MaximumRetryAttempts -2', () => ({ MaximumRetryAttempts: -2 }), "Value '-2' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value greater than or equal to -1"],
    ['an unknown FunctionResponseTypes value', () => ({ FunctionResponseTypes: ['Everything' as 'ReportBatchItemFailures'] }),
      "Value '[Everything]' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures], Member must not be null]"],
    ['a filter pattern over 4096 characters', () => ({ FilterCriteria: { Filters: [{ Pattern: 'x'.repeat(4097) }] } }),
      `Value '${'x'.repeat(4097)}' at 'filterCriteria.filters.1.member.pattern' failed to satisfy constraint: Member must have length less than or equal to 4096`],
    ['StartingPosition outside its enum', () => ({ StartingPosition: 'EARLIEST' as 'LATEST' }),
      "Value 'EARLIEST' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]"],
    ['a malformed source ARN', () => ({ EventSourceArn: 'not-an-arn' }),
      "Value 'not-an-arn' at 'eventSourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)"],
    ['a tag key over 128 characters', () => ({ Tags: { ['k'.repeat(129)]: 'v' } }),
      `Value '{${'k'.repeat(129)}=v}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128]`],
  ];

  it.each(modelConstraints)('refuses %s with AWS\'s ValidationException, its sentence whole', async (_name, input, sentence) => {
    expect(await sdkRefusal(create(input()))).toEqual(validation(`1 validation error detected: ${sentence}`));
  });

  it('counts several model violations in one sentence', async () => {
    expect(await sdkRefusal(create({ BatchSize: 0, TumblingWindowInSeconds: 901 }))).toEqual(
      validation(
        "2 validation errors detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1; Value '901' at 'tumblingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
      ),
    );
  });

  // Lambda's own rules: InvalidParameterValueException with Lambda's sentence, Sluice's diagnosis
  // in the body's SluiceDetail (the SDK puts it on the error).
  const lambdaRules: [string, () => Partial<CreateEventSourceMappingCommandInput>, string, RegExp?][] = [
    ['MaximumRecordAgeInSeconds 59 (only -1 or 60..604800)', () => ({ MaximumRecordAgeInSeconds: 59 }), 'MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)', /^got 59$/],
    ['six filters (five allowed)', () => ({ FilterCriteria: { Filters: Array.from({ length: 6 }, () => ({ Pattern: '{}' })) } }), 'The number of filters in FilterCriteria exceeds the limit.', /6 filters; at most 5/],
    ['a filter that is not JSON', () => ({ FilterCriteria: { Filters: [{ Pattern: '{"data":' }] } }), 'Invalid filter pattern definition.', /Filters\[0\]\.Pattern: the pattern is not valid JSON/],
    ['an on-failure destination that is not SQS, SNS or S3', () => ({ DestinationConfig: { OnFailure: { Destination: `arn:aws:lambda:${region}:${account}:function:x` } } }),
      `The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=arn:aws:lambda:${region}:${account}:function:x)) is invalid.`, /SQS queue, an SNS topic or an S3 bucket/],
    ['an on-success destination (streams have none)', () => ({ DestinationConfig: { OnSuccess: { Destination: `arn:aws:sqs:${region}:${account}:ok` } } }), 'Unsupported DestinationConfig parameter for given event source mapping type.'],
    ['no StartingPosition', () => ({ StartingPosition: undefined }), "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.", /required for Kinesis stream sources/],
    ['AT_TIMESTAMP without a timestamp', () => ({ StartingPosition: 'AT_TIMESTAMP' }), 'StartingPositionTimestamp is required when StartingPosition is AT_TIMESTAMP.'],
    ['AT_TIMESTAMP in the future', () => ({ StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: new Date(Date.now() + 3_600_000) }), 'StartingPositionTimestamp cannot be in the future.'],
    ['a timestamp without AT_TIMESTAMP', () => ({ StartingPositionTimestamp: new Date(Date.now() - 1000) }), 'Timestamp only valid with StartingPosition AT_TIMESTAMP'],
    ['no EventSourceArn', () => ({ EventSourceArn: undefined }), 'Unrecognized event source.', /Sluice maps Kinesis streams/],
    ['an SNS topic as source (not an event source kind)', () => ({ EventSourceArn: `arn:aws:sns:${region}:${account}:t` }),
      `Unrecognized event source, must be kinesis, dynamodb stream or sqs. Unsupported source arn : arn:aws:sns:${region}:${account}:t`, /Sluice maps Kinesis streams/],
    ['a function that does not exist', () => ({ FunctionName: 'no-such-function' }), 'Function does not exist', /Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function/],
    ['ProvisionedPollerConfig (SQS and Kafka only)', () => ({ ProvisionedPollerConfig: { MinimumPollers: 2 } }), "Unsupported 'provisionedPollerConfig' parameter for given event source mapping type.", /Kinesis stream mapping does not take/],
    ['LoggingConfig (Kafka only)', () => ({ LoggingConfig: { SystemLogLevel: 'INFO' } }), "Unsupported 'loggingConfig' parameter for given event source mapping type."],
    ['MetricsConfig ErrorCount (Kafka only)', () => ({ MetricsConfig: { Metrics: ['ErrorCount'] } }), "Unsupported 'metricsConfig' parameter for given event source mapping type.", /ErrorCount are for Kafka sources/],
  ];

  it.each(lambdaRules)('refuses %s with InvalidParameterValueException in Lambda\'s words, the detail beside them', async (_name, input, message, detail) => {
    const refused = await sdkRefusal(create(input()));
    expect({ name: refused.name, message: refused.message, status: refused.status }).toEqual(invalidParameter(message));
    if (detail !== undefined) expect(refused.detail).toMatch(detail);
  });

  it('refuses a stream that does not exist: InvalidParameterValueException "Stream not found: <arn>"', async () => {
    const missing = `arn:aws:kinesis:${region}:${account}:stream/${uniqueName('missing')}`;
    expect(await sdkRefusal(create({ EventSourceArn: missing }))).toEqual(invalidParameter(`Stream not found: ${missing}`));
  });

  it('refuses AT_TIMESTAMP on a DynamoDB stream', async () => {
    const refused = await sdkRefusal(create({ EventSourceArn: tableStreamArn, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: new Date(Date.now() - 1000) }));
    expect(refused).toMatchObject(invalidParameter(`Unsupported starting position for arn type: ${tableStreamArn}`));
  });

  it('answers ResourceConflictException when the source is already bound to the function', async () => {
    const first = await create({});
    const error = await create({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceConflictException);
    expect((error as Error).message).toContain(`Please update or delete the existing mapping with UUID ${first.UUID}`);
    await settled(first.UUID!, 'Enabled');
    await deleteAndWait(first.UUID!);
  });
});

describe('Update and Delete through the AWS SDK', () => {
  it('refuses changes while Creating, then moves through Updating, Disabling and Enabling', async () => {
    const created = await create({});
    const busy = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, BatchSize: 10 })).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ResourceInUseException);
    await settled(created.UUID!, 'Enabled');

    const updating = await lambda.send(
      new UpdateEventSourceMappingCommand({ UUID: created.UUID, BatchSize: 10, FilterCriteria: { Filters: [{ Pattern: '{"data":{"a":[1]}}' }] } }),
    );
    expect(updating.$metadata.httpStatusCode).toBe(202);
    expect(updating).toMatchObject({ State: 'Updating', BatchSize: 10, StateTransitionReason: 'User action' });
    expect((await settled(created.UUID!, 'Enabled')).BatchSize).toBe(10);

    const disabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, Enabled: false }));
    expect(disabling.State).toBe('Disabling');
    await settled(created.UUID!, 'Disabled');

    const updatingDisabled = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, FilterCriteria: {} }));
    expect(updatingDisabled.State).toBe('Updating');
    const stillDisabled = await settled(created.UUID!, 'Disabled');
    expect(stillDisabled.FilterCriteria).toBeUndefined();
    expect(stillDisabled.BatchSize).toBe(10);

    const enabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, Enabled: true }));
    expect(enabling.State).toBe('Enabling');
    await settled(created.UUID!, 'Enabled');

    const deleting = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
    expect(deleting.$metadata.httpStatusCode).toBe(202);
    expect(deleting.State).toBe('Deleting');
    const again = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID })).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ResourceInUseException);
    await deleteAndWaitGone(created.UUID!);
  });

  it('validates updates against the merged settings', async () => {
    const created = await create({ EventSourceArn: otherStreamArn });
    await settled(created.UUID!, 'Enabled');
    expect(await sdkRefusal(lambda.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, MaximumRecordAgeInSeconds: 10 })))).toMatchObject(
      invalidParameter('MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)'),
    );
    expect(await sdkRefusal(lambda.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, FunctionName: 'nobody' })))).toMatchObject(invalidParameter('Function does not exist'));
    const moved = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, FunctionName: otherFn }));
    expect(moved.FunctionArn).toBe(`arn:aws:lambda:${region}:${account}:function:${otherFn}`);
    await settled(created.UUID!, 'Enabled');
    // The binding moved with the function: the old pair is free again, the new one is taken.
    const rebound = await create({ EventSourceArn: otherStreamArn });
    const taken = await create({ EventSourceArn: otherStreamArn, FunctionName: otherFn }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(ResourceConflictException);
    await settled(rebound.UUID!, 'Enabled');
    await deleteAndWait(rebound.UUID!);
    await deleteAndWait(created.UUID!);
  });

  it('answers 404 ResourceNotFoundException "The resource you requested does not exist." for an unknown UUID on Get, Update and Delete', async () => {
    const uuid = '0d4f0b2c-1111-4222-8333-944455556666';
    for (const command of [
      new GetEventSourceMappingCommand({ UUID: uuid }),
      new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 5 }),
      new DeleteEventSourceMappingCommand({ UUID: uuid }),
    ]) {
      const error = await lambda.send(command as GetEventSourceMappingCommand).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(await sdkRefusal(Promise.reject(error))).toEqual({
        name: 'ResourceNotFoundException',
        message: 'The resource you requested does not exist.',
        status: 404,
        detail: `no event source mapping ${uuid}`,
      });
    }
    // The model's UUID is 36 characters: another length is the framework's.
    expect(await sdkRefusal(lambda.send(new GetEventSourceMappingCommand({ UUID: 'abc' })))).toEqual(
      validation("1 validation error detected: Value 'abc' at 'uUID' failed to satisfy constraint: Member must have length greater than or equal to 36"),
    );
  });
});

async function deleteAndWaitGone(uuid: string): Promise<void> {
  await waitFor(
    async () => lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })).then(() => undefined, (e: unknown) => (e instanceof ResourceNotFoundException ? true : undefined)),
    { timeoutMs: 10_000, message: `mapping ${uuid} was never removed` },
  );
}

describe('ListEventSourceMappings through the AWS SDK', () => {
  it('filters by source and function and pages with Marker and MaxItems', async () => {
    const listFn = uniqueName('fn-list');
    await registerFunction(listFn);
    const streams = await Promise.all([0, 1, 2, 3, 4].map((i) => createKinesisStream(uniqueName(`list-${i}`))));
    const uuids: string[] = [];
    for (const arn of streams) uuids.push((await create({ FunctionName: listFn, EventSourceArn: arn })).UUID!);

    const byFunction = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: listFn }));
    expect(byFunction.EventSourceMappings!.map((m) => m.UUID)).toEqual(uuids);
    const byArn = await lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: `arn:aws:lambda:${region}:${account}:function:${listFn}`, EventSourceArn: streams[2] }),
    );
    expect(byArn.EventSourceMappings!.map((m) => m.UUID)).toEqual([uuids[2]]);
    const bySource = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: streams[4] }));
    expect(bySource.EventSourceMappings!.map((m) => m.UUID)).toEqual([uuids[4]]);

    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page: ListEventSourceMappingsCommandOutput = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: listFn, MaxItems: 2, ...(marker ? { Marker: marker } : {}) }));
      expect(page.EventSourceMappings!.length).toBeLessThanOrEqual(2);
      seen.push(...page.EventSourceMappings!.map((m) => m.UUID!));
      marker = page.NextMarker;
      pages += 1;
    } while (marker !== undefined);
    expect(seen).toEqual(uuids);
    expect(pages).toBe(3);

    const all: string[] = [];
    marker = undefined;
    do {
      const page: ListEventSourceMappingsCommandOutput = await lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 3, ...(marker ? { Marker: marker } : {}) }));
      all.push(...page.EventSourceMappings!.map((m) => m.UUID!));
      marker = page.NextMarker;
    } while (marker !== undefined);
    expect(all).toEqual(expect.arrayContaining(uuids));

    expect(await sdkRefusal(lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 0 })))).toEqual(
      validation("1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"),
    );
    for (const uuid of uuids) await settled(uuid, 'Enabled');
    for (const uuid of uuids) await deleteAndWait(uuid);
  });
});

describe('TagResource, UntagResource and ListTags through the AWS SDK', () => {
  const tagsOf = async (arn: string) => (await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags;

  it('tags, untags and lists a mapping by its EventSourceMappingArn and a function by its ARN', async () => {
    const created = await create({ EventSourceArn: otherStreamArn, FunctionName: otherFn, Tags: { team: 'data' } });
    const mappingArn = created.EventSourceMappingArn!;
    const functionArn = `arn:aws:lambda:${region}:${account}:function:${otherFn}`;
    for (const arn of [mappingArn, functionArn]) {
      const tagged = await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { env: 'dev', 'cost centre': 'x/1' } }));
      expect(tagged.$metadata.httpStatusCode).toBe(204);
      await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { env: 'prod' } }));
      expect(await tagsOf(arn)).toEqual({ ...(arn === mappingArn ? { team: 'data' } : {}), env: 'prod', 'cost centre': 'x/1' });
      const untagged = await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['env', 'not-there'] }));
      expect(untagged.$metadata.httpStatusCode).toBe(204);
      expect(await tagsOf(arn)).toEqual({ ...(arn === mappingArn ? { team: 'data' } : {}), 'cost centre': 'x/1' });
      await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['cost centre', 'team'] }));
      expect(await tagsOf(arn)).toEqual({});
    }
    await settled(created.UUID!, 'Enabled');
    await deleteAndWait(created.UUID!);
    // Tags go with their mapping.
    expect(await sdkRefusal(lambda.send(new ListTagsCommand({ Resource: mappingArn })))).toMatchObject({ name: 'ResourceNotFoundException', message: 'The resource you requested does not exist.', status: 404 });
  });

  it('answers Lambda\'s errors: an unknown function or mapping, a version or alias, an ARN outside the model, too many tags', async () => {
    const ghost = `arn:aws:lambda:${region}:${account}:function:${uniqueName('ghost')}`;
    // One call at a time: a call begun before its refusal is awaited would reject unhandled.
    for (const call of [
      () => lambda.send(new ListTagsCommand({ Resource: ghost })),
      () => lambda.send(new TagResourceCommand({ Resource: ghost, Tags: { a: 'b' } })),
      () => lambda.send(new UntagResourceCommand({ Resource: ghost, TagKeys: ['a'] })),
    ]) {
      expect(await sdkRefusal(call())).toEqual({ name: 'ResourceNotFoundException', message: `Function not found: ${ghost}`, status: 404 });
    }
    const noMapping = `arn:aws:lambda:${region}:${account}:event-source-mapping:0d4f0b2c-1111-4222-8333-944455556666`;
    expect(await sdkRefusal(lambda.send(new ListTagsCommand({ Resource: noMapping })))).toMatchObject({ name: 'ResourceNotFoundException', message: 'The resource you requested does not exist.', status: 404 });
    expect(await sdkRefusal(lambda.send(new TagResourceCommand({ Resource: `arn:aws:lambda:${region}:${account}:function:${fn}:$LATEST`, Tags: { a: 'b' } })))).toMatchObject(
      invalidParameter('Tags on function aliases and versions are not supported. Please specify a function ARN.'),
    );
    const refused = await sdkRefusal(lambda.send(new ListTagsCommand({ Resource: 'arn:aws:sqs:us-east-1:000000000000:q' })));
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toMatch(/^1 validation error detected: Value 'arn:aws:sqs:us-east-1:000000000000:q' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:\(aws/);
    const functionArn = `arn:aws:lambda:${region}:${account}:function:${fn}`;
    expect(await sdkRefusal(lambda.send(new TagResourceCommand({ Resource: functionArn, Tags: { 'bad#key': 'v' } })))).toMatchObject({ name: 'ValidationException', status: 400 });
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    await lambda.send(new TagResourceCommand({ Resource: functionArn, Tags: fifty }));
    expect(await sdkRefusal(lambda.send(new TagResourceCommand({ Resource: functionArn, Tags: { one: 'more' } })))).toMatchObject(invalidParameter('Number of tags exceeds resource tag limit.'));
    expect(Object.keys((await tagsOf(functionArn))!)).toHaveLength(50);
  });
});

describe('persistence', () => {
  it('keeps mappings across a restart of the Sluice process and settles what was in flight', async () => {
    const kept = await create({ BatchSize: 42 });
    await settled(kept.UUID!, 'Enabled');
    const inFlight = await create({ EventSourceArn: otherStreamArn });
    expect(inFlight.State).toBe('Creating');
    await sluice.stop('SIGKILL');

    sluice = await startSluice({ env });
    lambda.destroy();
    lambda = sluiceLambdaClient(sluice.url);
    const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: kept.UUID }));
    expect(got).toMatchObject({ UUID: kept.UUID, BatchSize: 42, State: 'Enabled', EventSourceArn: streamArn });
    await settled(inFlight.UUID!, 'Enabled');
    await deleteAndWait(kept.UUID!);
    await deleteAndWait(inFlight.UUID!);
  });
});
