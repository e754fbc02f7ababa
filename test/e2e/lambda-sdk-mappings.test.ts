import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  InvalidParameterValueException,
  ListEventSourceMappingsCommand,
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
import { TEST_CREDENTIALS, sluiceLambdaClient, waitForMappingGone, waitForMappingState } from '../helpers/sluice-lambda.js';
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
    });
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

  const invalid: [string, Partial<CreateEventSourceMappingCommandInput>, RegExp][] = [
    ['BatchSize 0', { BatchSize: 0 }, /Value '0' at 'batchSize'.*greater than or equal to 1/],
    ['BatchSize 10001', { BatchSize: 10001 }, /less than or equal to 10000/],
    ['MaximumBatchingWindowInSeconds 301', { MaximumBatchingWindowInSeconds: 301 }, /maximumBatchingWindowInSeconds/],
    ['ParallelizationFactor 11', { ParallelizationFactor: 11 }, /parallelizationFactor/],
    ['MaximumRecordAgeInSeconds 59 (only -1 or 60..604800)', { MaximumRecordAgeInSeconds: 59 }, /MaximumRecordAgeInSeconds must be -1/],
    ['MaximumRecordAgeInSeconds 604801', { MaximumRecordAgeInSeconds: 604801 }, /maximumRecordAgeInSeconds/],
    ['MaximumRetryAttempts -2', { MaximumRetryAttempts: -2 }, /maximumRetryAttempts/],
    ['TumblingWindowInSeconds 901', { TumblingWindowInSeconds: 901 }, /tumblingWindowInSeconds/],
    ['an unknown FunctionResponseTypes value', { FunctionResponseTypes: ['Everything' as 'ReportBatchItemFailures'] }, /enum value set: \[ReportBatchItemFailures\]/],
    ['six filters (five allowed)', { FilterCriteria: { Filters: Array.from({ length: 6 }, () => ({ Pattern: '{}' })) } }, /at most 5/],
    ['a filter that is not JSON', { FilterCriteria: { Filters: [{ Pattern: '{"data":' }] } }, /Invalid filter pattern definition/],
    ['a filter pattern over 4096 characters', { FilterCriteria: { Filters: [{ Pattern: `{"a":["${'x'.repeat(4100)}"]}` }] } }, /length less than or equal to 4096/],
    ['an on-failure destination that is not SQS, SNS or S3', { DestinationConfig: { OnFailure: { Destination: `arn:aws:lambda:${region}:${account}:function:x` } } }, /SQS queue, an SNS topic or an S3 bucket/],
    ['an on-success destination (streams have none)', { DestinationConfig: { OnSuccess: { Destination: `arn:aws:sqs:${region}:${account}:ok` } } }, /OnSuccess/],
    ['no StartingPosition', { StartingPosition: undefined }, /startingPosition/],
    ['AT_TIMESTAMP without a timestamp', { StartingPosition: 'AT_TIMESTAMP' }, /StartingPositionTimestamp is required/],
    ['AT_TIMESTAMP in the future', { StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: new Date(Date.now() + 3_600_000) }, /future/],
    ['a timestamp without AT_TIMESTAMP', { StartingPositionTimestamp: new Date(Date.now() - 1000) }, /only be given when StartingPosition is AT_TIMESTAMP/],
    ['an SNS topic as source (not an event source kind)', { EventSourceArn: `arn:aws:sns:${region}:${account}:t` }, /Unsupported event source/],
    ['a malformed source ARN', { EventSourceArn: 'not-an-arn' }, /eventSourceArn/],
    ['a stream that does not exist', { EventSourceArn: `arn:aws:kinesis:${region}:${account}:stream/${uniqueName('missing')}` }, /^Stream not found: arn:aws:kinesis:/],
  ];

  it.each(invalid)('refuses %s with InvalidParameterValueException', async (_name, input, message) => {
    const error = await create(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterValueException);
    expect((error as Error).message).toMatch(message);
    expect((error as InvalidParameterValueException).$metadata.httpStatusCode).toBe(400);
  });

  it('refuses AT_TIMESTAMP on a DynamoDB stream', async () => {
    const error = await create({
      EventSourceArn: tableStreamArn,
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: new Date(Date.now() - 1000),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterValueException);
    expect((error as Error).message).toBe(`Unsupported starting position for arn type: ${tableStreamArn}`);
  });

  it('answers ResourceNotFoundException for a function that is not registered', async () => {
    const error = await create({ FunctionName: 'no-such-function' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as Error).message).toBe(`Function not found: arn:aws:lambda:${region}:${account}:function:no-such-function`);
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
    const error = await lambda
      .send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, MaximumRecordAgeInSeconds: 10 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterValueException);
    const unknownFn = await lambda
      .send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, FunctionName: 'nobody' }))
      .catch((e: unknown) => e);
    expect(unknownFn).toBeInstanceOf(ResourceNotFoundException);
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

  it('answers ResourceNotFoundException for an unknown UUID on Get, Update and Delete', async () => {
    const uuid = '0d4f0b2c-1111-4222-8333-944455556666';
    for (const command of [
      new GetEventSourceMappingCommand({ UUID: uuid }),
      new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 5 }),
      new DeleteEventSourceMappingCommand({ UUID: uuid }),
    ]) {
      const error = await lambda.send(command as GetEventSourceMappingCommand).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
    }
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

    const bad = await lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 0 })).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidParameterValueException);
    for (const uuid of uuids) await settled(uuid, 'Enabled');
    for (const uuid of uuids) await deleteAndWait(uuid);
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
