import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { registerFunction, stackEnv, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { createTestStream, kinesisClient } from '../helpers/kinesis-test-stream.js';
import { AWS_CLI, runAwsLambdaCli, type CliResult } from '../helpers/aws-cli.js';
import { uniqueName } from '../helpers/unique-name.js';
import { createTableWithStream } from '../helpers/dynamodb-test-table.js';
import { waitFor } from '../helpers/wait-for.js';

// Sluice's Lambda-compatible API driven by the real AWS CLI v2, exactly as a user's shell would
// (aws-facts.md section 1). /usr/bin/aws is Debian's v2; a v1 shim may come first on PATH.

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const execFileAsync = promisify(execFile);

/** One mapping as the CLI prints it (its model's member names; LastModified as an ISO date). */
interface CliMapping {
  UUID: string;
  State: string;
  BatchSize: number;
  FunctionArn: string;
  EventSourceArn: string;
  LastModified: string;
  [key: string]: unknown;
}

const stack = inject('stack');
const cliHome = mkdtempSync(join(tmpdir(), 'sluice-aws-cli-'));
let sluice: SluiceProcess;
let kinesis: KinesisClient;
let dynamodb: DynamoDBClient;
const streams: string[] = [];
const tables: string[] = [];

/** Runs `aws lambda <args>` against Sluice; never throws, so exit codes can be asserted. */
function aws(...args: string[]): Promise<CliResult> {
  return runAwsLambdaCli(args, { endpointUrl: sluice.url, home: cliHome, region: REGION });
}

/** Runs a command that must succeed and returns its JSON output. */
async function awsJson<T>(...args: string[]): Promise<T> {
  const result = await aws(...args);
  expect(result.stderr, `aws lambda ${args.join(' ')}`).toBe('');
  expect(result.code, `aws lambda ${args.join(' ')}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/**
 * A Lambda service error as the CLI reports it: exit 254 and `An error occurred (<name>) when
 * calling the <op> operation: <message>`, the message compared whole.
 */
async function expectCliError(args: string[], errorType: string, operation: string, message: string): Promise<void> {
  const result = await aws(...args);
  expect(result.code, result.stderr).toBe(254);
  expect(result.stdout).toBe('');
  // With AWS_MAX_ATTEMPTS=1 the CLI adds its own " (reached max retries: 0)" before the message.
  expect(result.stderr.trim().replace(' (reached max retries: 0)', '')).toBe(`An error occurred (${errorType}) when calling the ${operation} operation: ${message}`);
}

const NO_MAPPING = 'The resource you requested does not exist.';
const validationSentence = (value: string, member: string, constraint: string) =>
  `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`;

async function register(name: string): Promise<void> {
  const { status, text } = await registerFunction(sluice.url, { FunctionName: name, Invoker: { Type: 'http', Url: 'http://127.0.0.1:1/' } });
  expect(status, text).toBe(201);
}

async function createKinesisStream(): Promise<string> {
  const name = uniqueName('cli-stream');
  const arn = await createTestStream(kinesis, name, 1);
  streams.push(name);
  return arn;
}

async function createDynamoDbStream(): Promise<string> {
  const name = uniqueName('cli-table');
  tables.push(name);
  return createTableWithStream(dynamodb, name, { keyName: 'pk' });
}

/** A fresh function registered with Sluice, so each mapping's (source, function) pair is unique. */
async function newFunction(label: string): Promise<string> {
  const name = uniqueName(label);
  await register(name);
  return name;
}

async function getMapping(uuid: string): Promise<CliMapping> {
  return awsJson<CliMapping>('get-event-source-mapping', '--uuid', uuid);
}

async function waitForState(uuid: string, state: string): Promise<CliMapping> {
  let last: CliMapping | undefined;
  return waitFor(
    async () => {
      last = await getMapping(uuid);
      return last.State === state ? last : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100, message: () => `mapping ${uuid} never reached ${state} (last: ${last?.State})` },
  );
}

function expectRecentTimestamp(value: string): void {
  // The API sends epoch seconds; the CLI prints them as an ISO 8601 date. Milliseconds sent by
  // mistake would print a date tens of thousands of years ahead.
  const at = Date.parse(value);
  expect(Number.isNaN(at), value).toBe(false);
  expect(Math.abs(Date.now() - at), value).toBeLessThan(5 * 60_000);
}

const redisPrefix = uniqueName('e2e-aws-cli');

beforeAll(async () => {
  const { version } = await execFileAsync(AWS_CLI, ['--version']).then(({ stdout }) => ({ version: stdout }));
  expect(version).toMatch(/^aws-cli\/2\./);

  kinesis = kinesisClient(stack.kinesisEndpoint);
  dynamodb = new DynamoDBClient({ endpoint: stack.motoEndpoint, region: REGION, credentials });
  sluice = await startSluice({ env: stackEnv(stack, redisPrefix, { SLUICE_STATE_SETTLE_MS: '150' }) });
});

afterAll(async () => {
  await sluice?.stop();
  await deleteRedisPrefix(stack.redisUrl, redisPrefix);
  await Promise.allSettled([
    ...streams.map((name) => kinesis.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }))),
    ...tables.map((name) => dynamodb.send(new DeleteTableCommand({ TableName: name }))),
  ]);
  kinesis?.destroy();
  dynamodb?.destroy();
  rmSync(cliHome, { recursive: true, force: true });
});

describe('aws lambda create-event-source-mapping', () => {
  it('creates a Kinesis mapping: 202 with Lambda stream defaults, State Creating, then Enabled', async () => {
    const streamArn = await createKinesisStream();
    const fn = await newFunction('cli-fn');

    const created = await awsJson<CliMapping>(
      'create-event-source-mapping',
      '--function-name', fn,
      '--event-source-arn', streamArn,
      '--starting-position', 'TRIM_HORIZON',
    );

    expect(created.UUID).toMatch(UUID);
    expect(created).toMatchObject({
      EventSourceArn: streamArn,
      FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}`,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 0,
      ParallelizationFactor: 1,
      State: 'Creating',
      StateTransitionReason: 'User action',
      LastProcessingResult: 'No records processed',
      DestinationConfig: { OnFailure: {} },
      MaximumRecordAgeInSeconds: -1,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: -1,
      TumblingWindowInSeconds: 0,
      FunctionResponseTypes: [],
    });
    expect(created).not.toHaveProperty('StartingPositionTimestamp');
    expect(created).not.toHaveProperty('FilterCriteria');
    expectRecentTimestamp(created.LastModified);

    const enabled = await waitForState(created.UUID, 'Enabled');
    expect(enabled).toMatchObject({ UUID: created.UUID, BatchSize: 100, StateTransitionReason: 'User action' });
  });

  it('creates a DynamoDB Streams mapping with the same defaults', async () => {
    const streamArn = await createDynamoDbStream();
    const fn = await newFunction('cli-ddb-fn');

    const created = await awsJson<CliMapping>(
      'create-event-source-mapping',
      '--function-name', fn,
      '--event-source-arn', streamArn,
      '--starting-position', 'LATEST',
    );

    expect(created).toMatchObject({
      EventSourceArn: streamArn,
      FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}`,
      StartingPosition: 'LATEST',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 0,
      ParallelizationFactor: 1,
      State: 'Creating',
      StateTransitionReason: 'User action',
      LastProcessingResult: 'No records processed',
      DestinationConfig: { OnFailure: {} },
      MaximumRecordAgeInSeconds: -1,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: -1,
      TumblingWindowInSeconds: 0,
      FunctionResponseTypes: [],
    });
    expect(created.UUID).toMatch(UUID);
    await waitForState(created.UUID, 'Enabled');
  });

  it('takes every stream setting and reports it back, and starts Disabled when --no-enabled', async () => {
    const streamArn = await createKinesisStream();
    const fn = await newFunction('cli-full-fn');
    const atSeconds = Math.floor(Date.now() / 1000) - 60;

    const created = await awsJson<CliMapping>(
      'create-event-source-mapping',
      '--function-name', fn,
      '--event-source-arn', streamArn,
      '--starting-position', 'AT_TIMESTAMP',
      '--starting-position-timestamp', String(atSeconds),
      '--batch-size', '25',
      '--maximum-batching-window-in-seconds', '2',
      '--parallelization-factor', '3',
      '--maximum-record-age-in-seconds', '3600',
      '--bisect-batch-on-function-error',
      '--maximum-retry-attempts', '4',
      '--tumbling-window-in-seconds', '30',
      '--function-response-types', 'ReportBatchItemFailures',
      '--filter-criteria', JSON.stringify({ Filters: [{ Pattern: JSON.stringify({ data: { kind: ['order'] } }) }] }),
      '--no-enabled',
    );

    expect(created).toMatchObject({
      StartingPosition: 'AT_TIMESTAMP',
      BatchSize: 25,
      MaximumBatchingWindowInSeconds: 2,
      ParallelizationFactor: 3,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 4,
      TumblingWindowInSeconds: 30,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { kind: ['order'] } }) }] },
      State: 'Creating',
    });
    expect(Date.parse(String(created.StartingPositionTimestamp))).toBe(atSeconds * 1000);
    await waitForState(created.UUID, 'Disabled');
  });

  it('also answers the EventSourceMappingArn this CLI model predates, over plain HTTP', async () => {
    const streamArn = await createKinesisStream();
    const fn = await newFunction('cli-arn-fn');
    const created = await awsJson<CliMapping>(
      'create-event-source-mapping', '--function-name', fn, '--event-source-arn', streamArn, '--starting-position', 'LATEST',
    );

    const raw = (await (await fetch(`${sluice.url}/2015-03-31/event-source-mappings/${created.UUID}`)).json()) as Record<string, unknown>;

    expect(raw.EventSourceMappingArn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:${created.UUID}`);
    expect(typeof raw.LastModified).toBe('number');
    expect(Math.abs(Number(raw.LastModified) - Date.now() / 1000)).toBeLessThan(300);
  });
});

describe('aws lambda get-event-source-mapping and list-event-source-mappings', () => {
  let streamArn: string;
  const functions: string[] = [];
  const uuids: string[] = [];

  beforeAll(async () => {
    streamArn = await createKinesisStream();
    for (const label of ['cli-list-a', 'cli-list-b', 'cli-list-c']) {
      const fn = await newFunction(label);
      const created = await awsJson<CliMapping>(
        'create-event-source-mapping', '--function-name', fn, '--event-source-arn', streamArn, '--starting-position', 'LATEST',
      );
      functions.push(fn);
      uuids.push(created.UUID);
    }
  });

  it('gets a mapping by UUID with the values it was created with', async () => {
    const got = await getMapping(uuids[1]!);

    expect(got).toMatchObject({
      UUID: uuids[1],
      EventSourceArn: streamArn,
      FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functions[1]}`,
      StartingPosition: 'LATEST',
      BatchSize: 100,
      StateTransitionReason: 'User action',
    });
    expect(['Creating', 'Enabled']).toContain(got.State);
    expectRecentTimestamp(got.LastModified);
  });

  it('lists the mappings of one source with --event-source-arn', async () => {
    const listed = await awsJson<{ EventSourceMappings: CliMapping[] }>('list-event-source-mappings', '--event-source-arn', streamArn);

    expect(listed.EventSourceMappings.map((m) => m.UUID).sort()).toEqual([...uuids].sort());
    expect(listed.EventSourceMappings.every((m) => m.EventSourceArn === streamArn)).toBe(true);
  });

  it('lists the mappings of one function with --function-name, by name or ARN', async () => {
    const byName = await awsJson<{ EventSourceMappings: CliMapping[] }>('list-event-source-mappings', '--function-name', functions[2]!);
    const byArn = await awsJson<{ EventSourceMappings: CliMapping[] }>(
      'list-event-source-mappings', '--function-name', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functions[2]}`,
    );
    const both = await awsJson<{ EventSourceMappings: CliMapping[] }>(
      'list-event-source-mappings', '--function-name', functions[0]!, '--event-source-arn', streamArn,
    );

    expect(byName.EventSourceMappings.map((m) => m.UUID)).toEqual([uuids[2]]);
    expect(byArn.EventSourceMappings.map((m) => m.UUID)).toEqual([uuids[2]]);
    expect(both.EventSourceMappings.map((m) => m.UUID)).toEqual([uuids[0]]);
  });

  it('pages with --max-items and --starting-token', async () => {
    const first = await awsJson<{ EventSourceMappings: CliMapping[]; NextToken?: string }>(
      'list-event-source-mappings', '--event-source-arn', streamArn, '--max-items', '2',
    );
    expect(first.EventSourceMappings).toHaveLength(2);
    expect(first.NextToken).toEqual(expect.any(String));

    const rest = await awsJson<{ EventSourceMappings: CliMapping[]; NextToken?: string }>(
      'list-event-source-mappings', '--event-source-arn', streamArn, '--max-items', '2', '--starting-token', first.NextToken!,
    );
    expect(rest.EventSourceMappings).toHaveLength(1);
    expect(rest.NextToken).toBeUndefined();

    const all = [...first.EventSourceMappings, ...rest.EventSourceMappings].map((m) => m.UUID);
    expect(new Set(all).size).toBe(3);
    expect(all.sort()).toEqual([...uuids].sort());
  });

  it('follows the server\'s NextMarker one item per request with --page-size 1', async () => {
    // --page-size sends MaxItems=1 on every request; the CLI then follows NextMarker to the end.
    const listed = await awsJson<{ EventSourceMappings: CliMapping[] }>(
      'list-event-source-mappings', '--event-source-arn', streamArn, '--page-size', '1',
    );
    const pageOne = await awsJson<{ EventSourceMappings: CliMapping[]; NextMarker?: string }>(
      'list-event-source-mappings', '--event-source-arn', streamArn, '--max-items', '1', '--no-paginate',
    );

    expect(listed.EventSourceMappings.map((m) => m.UUID).sort()).toEqual([...uuids].sort());
    expect(pageOne.EventSourceMappings).toHaveLength(1);
    expect(pageOne.NextMarker).toEqual(expect.any(String));
  });

  it('lists nothing for a source without mappings', async () => {
    const listed = await awsJson<{ EventSourceMappings: CliMapping[]; NextMarker?: string }>(
      'list-event-source-mappings', '--event-source-arn', `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${uniqueName('none')}`,
    );

    expect(listed.EventSourceMappings).toEqual([]);
    expect(listed.NextMarker).toBeUndefined();
  });
});

describe('aws lambda update-event-source-mapping', () => {
  it('changes the batch size (Updating, then Enabled with the new value)', async () => {
    const streamArn = await createKinesisStream();
    const fn = await newFunction('cli-upd-fn');
    const created = await awsJson<CliMapping>(
      'create-event-source-mapping', '--function-name', fn, '--event-source-arn', streamArn, '--starting-position', 'LATEST',
    );
    await waitForState(created.UUID, 'Enabled');

    const updated = await awsJson<CliMapping>('update-event-source-mapping', '--uuid', created.UUID, '--batch-size', '50');

    expect(updated).toMatchObject({ UUID: created.UUID, State: 'Updating', EventSourceArn: streamArn });
    const settled = await waitForState(created.UUID, 'Enabled');
    expect(settled.BatchSize).toBe(50);
    expect(settled.StartingPosition).toBe('LATEST');
  });

  it('disables with --no-enabled (Disabling, then Disabled) and enables again (Enabling, then Enabled)', async () => {
    const streamArn = await createKinesisStream();
    const fn = await newFunction('cli-dis-fn');
    const created = await awsJson<CliMapping>(
      'create-event-source-mapping', '--function-name', fn, '--event-source-arn', streamArn, '--starting-position', 'LATEST',
    );
    await waitForState(created.UUID, 'Enabled');

    const disabling = await awsJson<CliMapping>('update-event-source-mapping', '--uuid', created.UUID, '--no-enabled');
    expect(disabling.State).toBe('Disabling');
    await waitForState(created.UUID, 'Disabled');

    const enabling = await awsJson<CliMapping>('update-event-source-mapping', '--uuid', created.UUID, '--enabled');
    expect(enabling.State).toBe('Enabling');
    await waitForState(created.UUID, 'Enabled');
  });

  it('moves a mapping to another registered function', async () => {
    const streamArn = await createKinesisStream();
    const fn = await newFunction('cli-mv-fn');
    const other = await newFunction('cli-mv-other');
    const created = await awsJson<CliMapping>(
      'create-event-source-mapping', '--function-name', fn, '--event-source-arn', streamArn, '--starting-position', 'LATEST',
    );
    await waitForState(created.UUID, 'Enabled');

    await awsJson<CliMapping>('update-event-source-mapping', '--uuid', created.UUID, '--function-name', other);

    const settled = await waitForState(created.UUID, 'Enabled');
    expect(settled.FunctionArn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:${other}`);
    const listed = await awsJson<{ EventSourceMappings: CliMapping[] }>('list-event-source-mappings', '--function-name', other);
    expect(listed.EventSourceMappings.map((m) => m.UUID)).toEqual([created.UUID]);
  });
});

describe('aws lambda delete-event-source-mapping', () => {
  it('answers State Deleting, then the mapping is gone (ResourceNotFoundException)', async () => {
    const streamArn = await createKinesisStream();
    const fn = await newFunction('cli-del-fn');
    const created = await awsJson<CliMapping>(
      'create-event-source-mapping', '--function-name', fn, '--event-source-arn', streamArn, '--starting-position', 'LATEST',
    );
    await waitForState(created.UUID, 'Enabled');

    const deleting = await awsJson<CliMapping>('delete-event-source-mapping', '--uuid', created.UUID);

    expect(deleting).toMatchObject({ UUID: created.UUID, State: 'Deleting', EventSourceArn: streamArn });
    await waitFor(async () => (await aws('get-event-source-mapping', '--uuid', created.UUID)).code === 254, {
      timeoutMs: 20_000,
      intervalMs: 100,
      message: () => `mapping ${created.UUID} was never removed`,
    });
    await expectCliError(['get-event-source-mapping', '--uuid', created.UUID], 'ResourceNotFoundException', 'GetEventSourceMapping', NO_MAPPING);
    const listed = await awsJson<{ EventSourceMappings: CliMapping[] }>('list-event-source-mappings', '--event-source-arn', streamArn);
    expect(listed.EventSourceMappings).toEqual([]);
  });
});

describe('errors, as the CLI reports them (exit 254, the exception name on stderr)', () => {
  let streamArn: string;
  let ddbStreamArn: string;
  let fn: string;

  beforeAll(async () => {
    streamArn = await createKinesisStream();
    ddbStreamArn = await createDynamoDbStream();
    fn = await newFunction('cli-err-fn');
  });

  it('GetEventSourceMapping of an unknown UUID: ResourceNotFoundException', async () => {
    await expectCliError(
      ['get-event-source-mapping', '--uuid', '00000000-0000-4000-8000-000000000000'],
      'ResourceNotFoundException',
      'GetEventSourceMapping',
      NO_MAPPING,
    );
  });

  it('UpdateEventSourceMapping and DeleteEventSourceMapping of an unknown UUID: ResourceNotFoundException', async () => {
    const uuid = '00000000-0000-4000-8000-000000000001';
    await expectCliError(['update-event-source-mapping', '--uuid', uuid, '--batch-size', '10'], 'ResourceNotFoundException', 'UpdateEventSourceMapping', NO_MAPPING);
    await expectCliError(['delete-event-source-mapping', '--uuid', uuid], 'ResourceNotFoundException', 'DeleteEventSourceMapping', NO_MAPPING);
  });

  it('a stream that does not exist: InvalidParameterValueException "Stream not found: <arn>"', async () => {
    const missing = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${uniqueName('missing')}`;

    await expectCliError(
      ['create-event-source-mapping', '--function-name', fn, '--event-source-arn', missing, '--starting-position', 'LATEST'],
      'InvalidParameterValueException',
      'CreateEventSourceMapping',
      `Stream not found: ${missing}`,
    );
  });

  it('a DynamoDB stream that does not exist: InvalidParameterValueException "Stream not found: <arn>"', async () => {
    const missing = ddbStreamArn.replace(/table\/[^/]+\//, `table/${uniqueName('missing-table')}/`);

    await expectCliError(
      ['create-event-source-mapping', '--function-name', fn, '--event-source-arn', missing, '--starting-position', 'LATEST'],
      'InvalidParameterValueException',
      'CreateEventSourceMapping',
      `Stream not found: ${missing}`,
    );
  });

  it('a function that is not registered: 400 InvalidParameterValueException "Function does not exist"', async () => {
    await expectCliError(
      ['create-event-source-mapping', '--function-name', uniqueName('nofn'), '--event-source-arn', streamArn, '--starting-position', 'LATEST'],
      'InvalidParameterValueException',
      'CreateEventSourceMapping',
      'Function does not exist',
    );
  });

  it('the same source and function twice: ResourceConflictException naming the existing UUID', async () => {
    const other = await newFunction('cli-dup-fn');
    const created = await awsJson<CliMapping>(
      'create-event-source-mapping', '--function-name', other, '--event-source-arn', streamArn, '--starting-position', 'LATEST',
    );

    await expectCliError(
      ['create-event-source-mapping', '--function-name', other, '--event-source-arn', streamArn, '--starting-position', 'LATEST'],
      'ResourceConflictException',
      'CreateEventSourceMapping',
      `The event source arn (" ${streamArn} ") and function (" arn:aws:lambda:${REGION}:${ACCOUNT}:function:${other} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${created.UUID}`,
    );
  });

  // The CLI checks the model's minimums itself (exit 252, nothing sent); its maximums and enums reach the API.
  it.each([
    ['--batch-size above 10000', ['--batch-size', '10001'], validationSentence('10001', 'batchSize', 'Member must have value less than or equal to 10000')],
    ['--parallelization-factor above 10', ['--parallelization-factor', '11'], validationSentence('11', 'parallelizationFactor', 'Member must have value less than or equal to 10')],
    ['--maximum-batching-window-in-seconds above 300', ['--maximum-batching-window-in-seconds', '301'], validationSentence('301', 'maximumBatchingWindowInSeconds', 'Member must have value less than or equal to 300')],
    ['--tumbling-window-in-seconds above 900', ['--tumbling-window-in-seconds', '901'], validationSentence('901', 'tumblingWindowInSeconds', 'Member must have value less than or equal to 900')],
    ['--maximum-retry-attempts above 10000', ['--maximum-retry-attempts', '10001'], validationSentence('10001', 'maximumRetryAttempts', 'Member must have value less than or equal to 10000')],
    ['an unknown --function-response-types value', ['--function-response-types', 'ReportEverything'],
      validationSentence('[ReportEverything]', 'functionResponseTypes', 'Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures], Member must not be null]')],
  ])('%s: ValidationException, in AWS\'s sentence', async (_label, extra, message) => {
    await expectCliError(
      ['create-event-source-mapping', '--function-name', fn, '--event-source-arn', streamArn, '--starting-position', 'LATEST', ...extra],
      'ValidationException',
      'CreateEventSourceMapping',
      message,
    );
  });

  it.each([
    ['--maximum-record-age-in-seconds below 60 (other than -1)', ['--maximum-record-age-in-seconds', '30'], 'MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)'],
    ['an on-success destination', ['--destination-config', `OnSuccess={Destination=arn:aws:sqs:${REGION}:${ACCOUNT}:q}`], 'Unsupported DestinationConfig parameter for given event source mapping type.'],
    ['a filter that is not JSON', ['--filter-criteria', '{"Filters":[{"Pattern":"{\\"data\\":"}]}'], 'Invalid filter pattern definition.'],
  ])('%s: InvalidParameterValueException, in Lambda\'s words', async (_label, extra, message) => {
    await expectCliError(
      ['create-event-source-mapping', '--function-name', fn, '--event-source-arn', streamArn, '--starting-position', 'LATEST', ...extra],
      'InvalidParameterValueException',
      'CreateEventSourceMapping',
      message,
    );
  });

  it('no --starting-position for a stream: InvalidParameterValueException in the framework\'s wording', async () => {
    await expectCliError(
      ['create-event-source-mapping', '--function-name', fn, '--event-source-arn', streamArn],
      'InvalidParameterValueException',
      'CreateEventSourceMapping',
      "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
    );
  });

  it('AT_TIMESTAMP on a DynamoDB stream, and a timestamp without AT_TIMESTAMP: InvalidParameterValueException', async () => {
    const at = String(Math.floor(Date.now() / 1000) - 60);
    await expectCliError(
      ['create-event-source-mapping', '--function-name', fn, '--event-source-arn', ddbStreamArn, '--starting-position', 'AT_TIMESTAMP', '--starting-position-timestamp', at],
      'InvalidParameterValueException',
      'CreateEventSourceMapping',
      `Unsupported starting position for arn type: ${ddbStreamArn}`,
    );
    await expectCliError(
      ['create-event-source-mapping', '--function-name', fn, '--event-source-arn', streamArn, '--starting-position', 'LATEST', '--starting-position-timestamp', at],
      'InvalidParameterValueException',
      'CreateEventSourceMapping',
      'Timestamp only valid with StartingPosition AT_TIMESTAMP',
    );
  });

  it('an update out of range: ValidationException, and the mapping is unchanged', async () => {
    const other = await newFunction('cli-badupd-fn');
    const created = await awsJson<CliMapping>(
      'create-event-source-mapping', '--function-name', other, '--event-source-arn', streamArn, '--starting-position', 'LATEST',
    );
    await waitForState(created.UUID, 'Enabled');

    await expectCliError(
      ['update-event-source-mapping', '--uuid', created.UUID, '--batch-size', '20000'],
      'ValidationException',
      'UpdateEventSourceMapping',
      validationSentence('20000', 'batchSize', 'Member must have value less than or equal to 10000'),
    );

    expect(await getMapping(created.UUID)).toMatchObject({ BatchSize: 100, State: 'Enabled' });
  });
});

describe('aws lambda tag-resource, untag-resource and list-tags', () => {
  // This CLI's model predates CreateEventSourceMapping's --tags (2024-09); TagResource is older.
  it('tags a mapping by its EventSourceMappingArn and a function by its ARN, and answers Lambda\'s errors', async () => {
    const streamArn = await createKinesisStream();
    const fn = await newFunction('cli-tag-fn');
    const created = await awsJson<CliMapping>(
      'create-event-source-mapping', '--function-name', fn, '--event-source-arn', streamArn, '--starting-position', 'LATEST',
    );
    const mappingArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:${created.UUID}`;
    const functionArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}`;

    for (const arn of [mappingArn, functionArn]) {
      // TagResource and UntagResource answer 204: the CLI prints nothing.
      const tagged = await aws('tag-resource', '--resource', arn, '--tags', 'env=dev,owner=ops');
      expect([tagged.code, tagged.stdout, tagged.stderr]).toEqual([0, '', '']);
      const untagged = await aws('untag-resource', '--resource', arn, '--tag-keys', 'owner', 'missing');
      expect([untagged.code, untagged.stdout, untagged.stderr]).toEqual([0, '', '']);
      expect(await awsJson('list-tags', '--resource', arn)).toEqual({ Tags: { env: 'dev' } });
    }

    const ghost = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${uniqueName('ghost')}`;
    await expectCliError(['list-tags', '--resource', ghost], 'ResourceNotFoundException', 'ListTags', `Function not found: ${ghost}`);
    await expectCliError(['tag-resource', '--resource', `${functionArn}:live`, '--tags', 'a=b'], 'InvalidParameterValueException', 'TagResource',
      'Tags on function aliases and versions are not supported. Please specify a function ARN.');
    await expectCliError(
      ['untag-resource', '--resource', `arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:00000000-0000-4000-8000-000000000009`, '--tag-keys', 'a'],
      'ResourceNotFoundException',
      'UntagResource',
      NO_MAPPING,
    );
  });
});
