import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  type LambdaClient,
  type UpdateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import { SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { runAwsLambdaCli, type CliResult } from '../helpers/aws-cli.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { createTestStream, kinesisClient } from '../helpers/kinesis-test-stream.js';
import { deleteSettledMapping, sluiceLambdaClient, waitForMappingGone, waitForMappingState } from '../helpers/sluice-lambda.js';
import { registerFunction, stackEnv, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { createSourceQueue, sqsClient, type SourceQueue } from '../helpers/sqs-source-queue.js';
import { uniqueName } from '../helpers/unique-name.js';

// The control plane of SQS event source mappings as AWS answers it, through the real LambdaClient
// and the AWS CLI v2, against Sluice as its own process (the API role) and moto's SQS. The shapes
// and sentences are those LocalStack recorded against AWS (tests/aws/services/lambda_/
// event_source_mapping/test_lambda_integration_sqs.snapshot.json and test_api.snapshot.json) where
// a recording exists; the others are named in the rules' comments (services/api/src/esm/rules).
const stack = inject('stack');
const region = 'us-east-1';
const account = '000000000000';
const prefix = uniqueName('e2e-sqs-api');
const cliHome = mkdtempSync(join(tmpdir(), 'sluice-sqs-cli-'));

/** Every member of an SQS mapping as AWS answers it, with no optional setting given. */
const SQS_MAPPING_MEMBERS = [
  'BatchSize',
  'EventSourceArn',
  'EventSourceMappingArn',
  'FunctionArn',
  'FunctionResponseTypes',
  'LastModified',
  'MaximumBatchingWindowInSeconds',
  'State',
  'StateTransitionReason',
  'UUID',
];
const WINDOW_NEEDED = 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10';
const FIFO_WINDOW = 'Batching window is not supported for FIFO queues';
const STARTING_POSITION = 'StartingPosition is not valid for SQS event sources.';
const unsupported = (member: string) => `Unsupported '${member}' parameter for given event source mapping type.`;
const visibility = (queueSeconds: number, functionSeconds: number) =>
  `Queue visibility timeout: ${queueSeconds} seconds is less than Function timeout: ${functionSeconds} seconds`;

let sluice: SluiceProcess;
let lambda: LambdaClient;
let sqs: SQSClient;
let kinesis: KinesisClient;
const queues: SourceQueue[] = [];
const streamName = uniqueName('sqs-api-stream');
/** A queue no test maps (refusals map nothing), its FIFO twin, and a stream. */
let shared: SourceQueue;
let fifo: SourceQueue;
let streamArn: string;
let missingQueueArn: string;
// Functions: Lambda's default timeout (3 s), another one, one as long as a queue's default
// visibility timeout (30 s) and one longer.
const fn = uniqueName('sqs-fn');
const otherFn = uniqueName('sqs-fn-2');
const equalFn = uniqueName('sqs-fn-30s');
const slowFn = uniqueName('sqs-fn-60s');

async function register(name: string, timeout?: number): Promise<void> {
  const { status, text } = await registerFunction(sluice.url, {
    FunctionName: name,
    Invoker: { Type: 'http', Url: 'http://127.0.0.1:9/' },
    ...(timeout === undefined ? {} : { Timeout: timeout }),
  });
  expect(status, text).toBe(201);
}

/** A fresh queue (visibility timeout 30 s, SQS's default): standard, or FIFO when `fifoQueue`. */
async function newQueue(label: string, fifoQueue = false): Promise<SourceQueue> {
  const queue = await createSourceQueue(sqs, `${uniqueName(label)}${fifoQueue ? '.fifo' : ''}`);
  queues.push(queue);
  return queue;
}

/** An SDK output's members, without the SDK's own $metadata. */
function members(output: object): string[] {
  return Object.keys(output)
    .filter((k) => k !== '$metadata')
    .sort();
}

function create(input: Partial<CreateEventSourceMappingCommandInput>) {
  return lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: shared.arn, ...input }));
}

function update(uuid: string, input: Omit<UpdateEventSourceMappingCommandInput, 'UUID'>) {
  return lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, ...input }));
}

/** The SDK error a call is refused with: its name, whole message and HTTP status. */
async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
  );
  if (error === undefined) throw new Error('the call was accepted');
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

const invalid = (message: string) => ({ name: 'InvalidParameterValueException', message, status: 400 });

async function deleteAndWait(uuid: string): Promise<void> {
  await deleteSettledMapping(lambda, uuid);
  await waitForMappingGone(lambda, uuid);
}

beforeAll(async () => {
  sqs = sqsClient(stack.motoEndpoint);
  kinesis = kinesisClient(stack.kinesisEndpoint);
  [shared, fifo, streamArn, sluice] = await Promise.all([
    newQueue('sqs-api'),
    newQueue('sqs-api', true),
    createTestStream(kinesis, streamName, 1),
    startSluice({ env: stackEnv(stack, prefix, { SLUICE_STATE_SETTLE_MS: '100' }) }),
  ]);
  missingQueueArn = shared.arn.replace(/[^:]+$/, uniqueName('no-such-queue'));
  lambda = sluiceLambdaClient(sluice.url);
  await Promise.all([register(fn), register(otherFn), register(equalFn, 30), register(slowFn, 60)]);
});

afterAll(async () => {
  lambda?.destroy();
  await sluice?.stop();
  await deleteRedisPrefix(stack.redisUrl, prefix);
  await Promise.allSettled([
    ...queues.map((q) => q.delete()),
    kinesis.send(new DeleteStreamCommand({ StreamName: streamName })),
  ]);
  sqs?.destroy();
  kinesis?.destroy();
  rmSync(cliHome, { recursive: true, force: true });
});

describe('SQS mappings through the LambdaClient', () => {
  it('answers Create, Get, List, Update and Delete with the members and defaults AWS gives an SQS mapping', async () => {
    const queue = await newQueue('sqs-api-life');

    const created = await create({ EventSourceArn: queue.arn });
    expect(created.$metadata.httpStatusCode).toBe(202);
    expect(members(created)).toEqual(SQS_MAPPING_MEMBERS);
    expect(created).toMatchObject({
      BatchSize: 10,
      EventSourceArn: queue.arn,
      EventSourceMappingArn: `arn:aws:lambda:${region}:${account}:event-source-mapping:${created.UUID}`,
      FunctionArn: `arn:aws:lambda:${region}:${account}:function:${fn}`,
      FunctionResponseTypes: [],
      MaximumBatchingWindowInSeconds: 0,
      State: 'Creating',
      StateTransitionReason: 'USER_INITIATED',
    });
    expect(Math.abs(created.LastModified!.getTime() - Date.now())).toBeLessThan(60_000);

    const enabled = await waitForMappingState(lambda, created.UUID!, 'Enabled');
    expect(members(enabled)).toEqual(SQS_MAPPING_MEMBERS);
    expect(enabled).toMatchObject({ BatchSize: 10, StateTransitionReason: 'USER_INITIATED' });
    const listed = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: queue.arn }));
    expect(listed.EventSourceMappings!.map((m) => m.UUID)).toEqual([created.UUID]);
    expect(members(listed.EventSourceMappings![0]!)).toEqual(SQS_MAPPING_MEMBERS);

    const updating = await update(created.UUID!, { BatchSize: 5 });
    expect(updating.$metadata.httpStatusCode).toBe(202);
    expect(members(updating)).toEqual(SQS_MAPPING_MEMBERS);
    expect(updating).toMatchObject({ State: 'Updating', BatchSize: 5, StateTransitionReason: 'USER_INITIATED' });
    await waitForMappingState(lambda, created.UUID!, 'Enabled');
    expect(await update(created.UUID!, { Enabled: false })).toMatchObject({ State: 'Disabling', StateTransitionReason: 'USER_INITIATED' });
    await waitForMappingState(lambda, created.UUID!, 'Disabled');

    const deleting = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
    expect(deleting.$metadata.httpStatusCode).toBe(202);
    expect(members(deleting)).toEqual(SQS_MAPPING_MEMBERS);
    expect(deleting).toMatchObject({ State: 'Deleting', BatchSize: 5, StateTransitionReason: 'USER_INITIATED' });
    await waitForMappingGone(lambda, created.UUID!);
  });

  it('answers Disabled at once for a mapping created disabled, and Enabling when it is enabled', async () => {
    const queue = await newQueue('sqs-api-off');

    const created = await create({ EventSourceArn: queue.arn, Enabled: false });
    expect(created).toMatchObject({ State: 'Disabled', StateTransitionReason: 'USER_INITIATED' });
    expect(members(created)).toEqual(SQS_MAPPING_MEMBERS);

    const enabling = await update(created.UUID!, { Enabled: true });
    expect(enabling).toMatchObject({ State: 'Enabling', StateTransitionReason: 'USER_INITIATED' });
    await waitForMappingState(lambda, created.UUID!, 'Enabled');
    await deleteAndWait(created.UUID!);
  });

  it('echoes ScalingConfig, FilterCriteria and ReportBatchItemFailures, and clears ScalingConfig given an empty one', async () => {
    const queue = await newQueue('sqs-api-opts');
    const filters = [{ Pattern: '{"body":{"kind":["order"]}}' }];

    const created = await create({
      EventSourceArn: queue.arn,
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 5 },
      FilterCriteria: { Filters: filters },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(members(created)).toEqual([...SQS_MAPPING_MEMBERS, 'FilterCriteria', 'ScalingConfig'].sort());
    expect(created).toMatchObject({
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 5 },
      FilterCriteria: { Filters: filters },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    await waitForMappingState(lambda, created.UUID!, 'Enabled');

    const cleared = await update(created.UUID!, { ScalingConfig: {} });
    expect(members(cleared)).toEqual([...SQS_MAPPING_MEMBERS, 'FilterCriteria'].sort());
    const got = await waitForMappingState(lambda, created.UUID!, 'Enabled');
    expect(got.ScalingConfig).toBeUndefined();
    expect(got).toMatchObject({ FilterCriteria: { Filters: filters }, FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 100 });
    await deleteAndWait(created.UUID!);
  });

  it('maps one queue to two functions but refuses the same queue and function twice (409)', async () => {
    const queue = await newQueue('sqs-api-dup');
    const first = await create({ EventSourceArn: queue.arn });

    expect(await refusal(create({ EventSourceArn: queue.arn }))).toEqual({
      name: 'ResourceConflictException',
      message: `An event source mapping with SQS arn (" ${queue.arn} ") and function (" ${fn} ") already exists. Please update or delete the existing mapping with UUID ${first.UUID}`,
      status: 409,
    });
    const second = await create({ EventSourceArn: queue.arn, FunctionName: otherFn });
    expect(second.State).toBe('Creating');
    await deleteAndWait(first.UUID!);
    await deleteAndWait(second.UUID!);
  });

  it('accepts a function timeout equal to the queue visibility timeout (30 s)', async () => {
    const queue = await newQueue('sqs-api-equal');
    const created = await create({ EventSourceArn: queue.arn, FunctionName: equalFn });
    expect(created.State).toBe('Creating');
    await deleteAndWait(created.UUID!);
  });

  const refusedOnCreate: [string, () => Partial<CreateEventSourceMappingCommandInput>, string][] = [
    ['BatchSize 11 without a batching window', () => ({ BatchSize: 11 }), WINDOW_NEEDED],
    ['BatchSize 11 with an explicit window of 0', () => ({ BatchSize: 11, MaximumBatchingWindowInSeconds: 0 }), WINDOW_NEEDED],
    ['a batching window on a FIFO queue', () => ({ EventSourceArn: fifo.arn, MaximumBatchingWindowInSeconds: 1 }), FIFO_WINDOW],
    ['BatchSize 11 on a FIFO queue', () => ({ EventSourceArn: fifo.arn, BatchSize: 11 }), WINDOW_NEEDED],
    ['BatchSize 11 with a window on a FIFO queue', () => ({ EventSourceArn: fifo.arn, BatchSize: 11, MaximumBatchingWindowInSeconds: 1 }), FIFO_WINDOW],
    ['StartingPosition', () => ({ StartingPosition: 'LATEST' }), STARTING_POSITION],
    ['StartingPosition with a timestamp', () => ({ StartingPosition: 'LATEST', StartingPositionTimestamp: new Date(Date.now() - 60_000) }), STARTING_POSITION],
    ['AT_TIMESTAMP with a timestamp', () => ({ StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: new Date(Date.now() - 60_000) }), STARTING_POSITION],
    ['StartingPositionTimestamp alone', () => ({ StartingPositionTimestamp: new Date(Date.now() - 60_000) }), STARTING_POSITION],
    ['ParallelizationFactor', () => ({ ParallelizationFactor: 2 }), unsupported('parallelizationFactor')],
    ['BisectBatchOnFunctionError', () => ({ BisectBatchOnFunctionError: true }), unsupported('bisectBatchOnFunctionError')],
    ['MaximumRetryAttempts', () => ({ MaximumRetryAttempts: 2 }), unsupported('maximumRetryAttempts')],
    ['MaximumRecordAgeInSeconds', () => ({ MaximumRecordAgeInSeconds: 60 }), unsupported('maximumRecordAgeInSeconds')],
    ['TumblingWindowInSeconds', () => ({ TumblingWindowInSeconds: 30 }), unsupported('tumblingWindowInSeconds')],
    ['LoggingConfig (Kafka only)', () => ({ LoggingConfig: { SystemLogLevel: 'WARN' } }), unsupported('loggingConfig')],
    ['MetricsConfig KafkaMetrics', () => ({ MetricsConfig: { Metrics: ['KafkaMetrics'] } }), unsupported('metricsConfig')],
    ['DestinationConfig', () => ({ DestinationConfig: { OnFailure: { Destination: fifo.arn } } }), unsupported('destinationConfig')],
    ['ScalingConfig on a Kinesis stream', () => ({ EventSourceArn: streamArn, StartingPosition: 'LATEST', ScalingConfig: { MaximumConcurrency: 2 } }), unsupported('scalingConfig')],
    ['a queue that does not exist', () => ({ EventSourceArn: missingQueueArn }),
      'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist or you do not have access to it.'],
    ['a queue visibility timeout (30 s) shorter than the function timeout (60 s)', () => ({ FunctionName: slowFn }), visibility(30, 60)],
    // The order of the checks: members first, then the settings' rules, then the queue itself
    // (LocalStack's order; AWS's is not recorded).
    ['a stream member together with BatchSize 11', () => ({ BatchSize: 11, MaximumRetryAttempts: 2 }), unsupported('maximumRetryAttempts')],
    ['BatchSize 11 on a queue that does not exist', () => ({ EventSourceArn: missingQueueArn, BatchSize: 11 }), WINDOW_NEEDED],
    ['BatchSize 11 with a function longer than the visibility timeout', () => ({ FunctionName: slowFn, BatchSize: 11 }), WINDOW_NEEDED],
    ['BatchSize 11 with a filter that is no JSON', () => ({ BatchSize: 11, FilterCriteria: { Filters: [{ Pattern: '{"body":' }] } }), WINDOW_NEEDED],
  ];

  it.each(refusedOnCreate)('refuses %s on Create, in AWS\'s words', async (_name, input, message) => {
    expect(await refusal(create(input()))).toEqual(invalid(message));
  });

  // Model constraints: AWS's request framework answers these with ValidationException, before Lambda's rules.
  const modelConstraints: [string, () => Partial<CreateEventSourceMappingCommandInput>, string][] = [
    ['BatchSize 0', () => ({ BatchSize: 0 }), "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    ['BatchSize 10001', () => ({ BatchSize: 10001, MaximumBatchingWindowInSeconds: 1 }), "1 validation error detected: Value '10001' at 'batchSize' failed to satisfy constraint: Member must have value less than or equal to 10000"],
    ['MaximumBatchingWindowInSeconds 301', () => ({ MaximumBatchingWindowInSeconds: 301 }), "1 validation error detected: Value '301' at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 300"],
    ['MaximumConcurrency 1', () => ({ ScalingConfig: { MaximumConcurrency: 1 } }), "1 validation error detected: Value '1' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 2"],
    ['MaximumConcurrency 1001', () => ({ ScalingConfig: { MaximumConcurrency: 1001 } }), "1 validation error detected: Value '1001' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value less than or equal to 1000"],
    // Recorded on AWS for an SQS queue: the framework's check comes before Lambda's own.
    ['StartingPosition outside its enum', () => ({ StartingPosition: '0' as 'LATEST' }), "1 validation error detected: Value '0' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]"],
    ['a FunctionName outside its pattern, with a stream member', () => ({ FunctionName: 'no such name!', MaximumRetryAttempts: 2 }),
      "1 validation error detected: Value 'no such name!' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?"],
  ];

  it.each(modelConstraints)('refuses %s with AWS\'s ValidationException and its sentence', async (_name, input, message) => {
    expect(await refusal(create(input()))).toEqual({ name: 'ValidationException', message, status: 400 });
  });

  it('answers 400 InvalidParameterValueException "Function does not exist" for a function that does not exist (as AWS answered for an SQS queue)', async () => {
    expect(await refusal(create({ FunctionName: uniqueName('no-such-fn') }))).toEqual(invalid('Function does not exist'));
  });

  it('takes ProvisionedPollerConfig (echoed with its defaults), refuses it beside ScalingConfig and below 2 pollers, and clears it given an empty one', async () => {
    const queue = await newQueue('sqs-api-prov');
    const created = await create({ EventSourceArn: queue.arn, ProvisionedPollerConfig: { MaximumPollers: 3 } });
    expect(members(created)).toEqual([...SQS_MAPPING_MEMBERS, 'ProvisionedPollerConfig'].sort());
    expect(created.ProvisionedPollerConfig).toEqual({ MinimumPollers: 2, MaximumPollers: 3 });
    await waitForMappingState(lambda, created.UUID!, 'Enabled');
    expect(await refusal(update(created.UUID!, { ScalingConfig: { MaximumConcurrency: 5 } }))).toEqual(invalid('ScalingConfig and ProvisionedPollerConfig cannot be specified together.'));
    expect(await refusal(update(created.UUID!, { ProvisionedPollerConfig: { MinimumPollers: 1 } }))).toEqual(invalid('MinimumPollers must be at least 2 for Amazon SQS event sources.'));
    const cleared = await update(created.UUID!, { ProvisionedPollerConfig: {} });
    expect(cleared.ProvisionedPollerConfig).toBeUndefined();
    await waitForMappingState(lambda, created.UUID!, 'Enabled');
    await deleteAndWait(created.UUID!);
  });

  describe('UpdateEventSourceMapping', () => {
    let queue: SourceQueue;
    let uuid: string;

    beforeAll(async () => {
      queue = await newQueue('sqs-api-update');
      uuid = (await create({ EventSourceArn: queue.arn })).UUID!;
      await waitForMappingState(lambda, uuid, 'Enabled');
    });

    afterAll(async () => {
      if (uuid !== undefined) await deleteAndWait(uuid);
    });

    const refusedOnUpdate: [string, () => Omit<UpdateEventSourceMappingCommandInput, 'UUID'>, string][] = [
      // Recorded on AWS with FunctionName given too.
      ['BatchSize 11 on a mapping without a window', () => ({ FunctionName: fn, BatchSize: 11 }), WINDOW_NEEDED],
      ['BatchSize 11 with an explicit window of 0', () => ({ BatchSize: 11, MaximumBatchingWindowInSeconds: 0 }), WINDOW_NEEDED],
      ['a stream member', () => ({ BisectBatchOnFunctionError: false }), unsupported('bisectBatchOnFunctionError')],
      ['a function whose timeout (60 s) is longer than the queue visibility timeout (30 s)', () => ({ FunctionName: slowFn }), visibility(30, 60)],
    ];

    it.each(refusedOnUpdate)('refuses %s', async (_name, input, message) => {
      expect(await refusal(update(uuid, input()))).toEqual(invalid(message));
    });

    it('checks the merged settings: a window of 0 on a mapping with BatchSize 20', async () => {
      expect(await update(uuid, { BatchSize: 20, MaximumBatchingWindowInSeconds: 5 })).toMatchObject({ State: 'Updating', BatchSize: 20 });
      await waitForMappingState(lambda, uuid, 'Enabled');
      expect(await refusal(update(uuid, { MaximumBatchingWindowInSeconds: 0 }))).toEqual(invalid(WINDOW_NEEDED));
      expect(await update(uuid, { BatchSize: 10, MaximumBatchingWindowInSeconds: 0 })).toMatchObject({ BatchSize: 10, MaximumBatchingWindowInSeconds: 0 });
      await waitForMappingState(lambda, uuid, 'Enabled');
    });

    it('reads the queue again on every update: a function as long as the visibility timeout, then a shorter timeout', async () => {
      expect(await update(uuid, { FunctionName: equalFn })).toMatchObject({ State: 'Updating', FunctionArn: `arn:aws:lambda:${region}:${account}:function:${equalFn}` });
      await waitForMappingState(lambda, uuid, 'Enabled');
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue.url, Attributes: { VisibilityTimeout: '20' } }));

      expect(await refusal(update(uuid, { BatchSize: 5 }))).toEqual(invalid(visibility(20, 30)));
      expect(await update(uuid, { FunctionName: fn, BatchSize: 5 })).toMatchObject({ BatchSize: 5, FunctionArn: `arn:aws:lambda:${region}:${account}:function:${fn}` });
      await waitForMappingState(lambda, uuid, 'Enabled');
    });
  });
});

describe('SQS mappings through the AWS CLI v2', () => {
  // This CLI's model predates EventSourceMappingArn (2024-09), so it prints every other member.
  const CLI_MEMBERS = SQS_MAPPING_MEMBERS.filter((m) => m !== 'EventSourceMappingArn');

  function aws(...args: string[]): Promise<CliResult> {
    return runAwsLambdaCli(args, { endpointUrl: sluice.url, home: cliHome, region });
  }

  async function awsJson(...args: string[]): Promise<Record<string, unknown>> {
    const result = await aws(...args);
    expect(result.stderr, args.join(' ')).toBe('');
    expect(result.code, args.join(' ')).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  /** The CLI's whole report of a Lambda error: exit 254 and `An error occurred (<name>) when calling the <op> operation: <message>`. */
  async function expectCliError(args: string[], name: string, operation: string, message: string): Promise<void> {
    const result = await aws(...args);
    expect(result.code, result.stderr).toBe(254);
    expect(result.stdout).toBe('');
    // With AWS_MAX_ATTEMPTS=1 the CLI adds its own " (reached max retries: 0)" before the message.
    expect(result.stderr.trim().replace(' (reached max retries: 0)', '')).toBe(`An error occurred (${name}) when calling the ${operation} operation: ${message}`);
  }

  it('creates, gets, lists, updates and deletes an SQS mapping with the members AWS gives', async () => {
    const queue = await newQueue('sqs-cli-life');

    const created = await awsJson('create-event-source-mapping', '--function-name', fn, '--event-source-arn', queue.arn, '--no-enabled');
    expect(Object.keys(created).sort()).toEqual(CLI_MEMBERS);
    expect(created).toMatchObject({ BatchSize: 10, MaximumBatchingWindowInSeconds: 0, FunctionResponseTypes: [], State: 'Disabled', StateTransitionReason: 'USER_INITIATED' });
    const uuid = String(created.UUID);

    const enabling = await awsJson('update-event-source-mapping', '--uuid', uuid, '--enabled', '--scaling-config', 'MaximumConcurrency=3', '--function-response-types', 'ReportBatchItemFailures');
    expect(enabling).toMatchObject({ State: 'Enabling', ScalingConfig: { MaximumConcurrency: 3 }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    await waitForMappingState(lambda, uuid, 'Enabled');
    const got = await awsJson('get-event-source-mapping', '--uuid', uuid);
    expect(Object.keys(got).sort()).toEqual([...CLI_MEMBERS, 'ScalingConfig'].sort());
    expect(got).toMatchObject({ State: 'Enabled', StateTransitionReason: 'USER_INITIATED' });
    const listed = await awsJson('list-event-source-mappings', '--event-source-arn', queue.arn);
    expect(listed).toEqual({ EventSourceMappings: [got] });

    const deleting = await awsJson('delete-event-source-mapping', '--uuid', uuid);
    expect(deleting).toMatchObject({ UUID: uuid, State: 'Deleting' });
    await waitForMappingGone(lambda, uuid);
  });

  it('reports the SQS refusals as AWS words them', async () => {
    const base = ['create-event-source-mapping', '--function-name', fn, '--event-source-arn', shared.arn];
    await expectCliError([...base, '--batch-size', '11'], 'InvalidParameterValueException', 'CreateEventSourceMapping', WINDOW_NEEDED);
    await expectCliError([...base, '--starting-position', 'TRIM_HORIZON'], 'InvalidParameterValueException', 'CreateEventSourceMapping', STARTING_POSITION);
    await expectCliError([...base, '--maximum-retry-attempts', '1'], 'InvalidParameterValueException', 'CreateEventSourceMapping', unsupported('maximumRetryAttempts'));
    await expectCliError(
      ['create-event-source-mapping', '--function-name', fn, '--event-source-arn', fifo.arn, '--maximum-batching-window-in-seconds', '2'],
      'InvalidParameterValueException', 'CreateEventSourceMapping', FIFO_WINDOW,
    );
    await expectCliError(['create-event-source-mapping', '--function-name', slowFn, '--event-source-arn', shared.arn], 'InvalidParameterValueException', 'CreateEventSourceMapping', visibility(30, 60));
  });
});
