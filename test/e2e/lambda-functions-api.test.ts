import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  UpdateFunctionCodeCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { callSluiceApi, flowEnv, registerHttpFunction, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { createStreamMapping, deleteSettledMapping, sluiceLambdaClient, TEST_CREDENTIALS } from '../helpers/sluice-lambda.js';
import { runAwsLambdaCli } from '../helpers/aws-cli.js';
import { startRecordingFunction, type RecordingFunction } from '../helpers/recording-function.js';
import { ACCOUNT, REGION, createTestStream, kinesisClient, putJsonRecords } from '../helpers/kinesis-test-stream.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';

// Functions managed through Lambda's own API, against one Sluice process running every role: .zip
// archives made here (fflate) are created with the AWS CLI v2 and the SDK's LambdaClient, run in the
// local Node runtime (RequestResponse, and a Kinesis mapping), updated, listed and deleted. Errors
// are compared whole: the SDK's error name and Lambda's message.
const stack = inject('stack');
const prefix = uniqueName('e2e-lambda-fns');
const ROLE = `arn:aws:iam::${ACCOUNT}:role/sluice-test`;
const s3 = new S3Client({ region: REGION, endpoint: stack.motoEndpoint, credentials: TEST_CREDENTIALS, forcePathStyle: true });
const scratch = mkdtempSync(join(tmpdir(), 'sluice-e2e-lambda-fns-'));
const functionsDir = join(scratch, 'functions');
const orders = uniqueName('orders');
let sluice: SluiceProcess;
let lambda: LambdaClient;
let kinesis: KinesisClient;
let recorder: RecordingFunction;

/** A handler that forwards stream events to $RECORDER and answers anything else with what it saw. */
const handlerSource = (version: string) => `
exports.handler = async (event) => {
  if (Array.isArray(event.Records)) {
    const res = await fetch(process.env.RECORDER, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    if (!res.ok) throw new Error('the recorder answered ' + res.status);
    return null;
  }
  return { version: ${JSON.stringify(version)}, greeting: process.env.GREETING, event };
};`;

const zipOf = (files: Record<string, string>) => Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)]))));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');

/** `aws lambda <args>` against Sluice; the parsed output when it succeeded. */
async function aws(args: string[]): Promise<{ code: number; out: Record<string, unknown>; stderr: string }> {
  const result = await runAwsLambdaCli(args, { endpointUrl: sluice.url, home: scratch, region: REGION });
  return { code: result.code, out: result.code === 0 && result.stdout !== '' ? (JSON.parse(result.stdout) as Record<string, unknown>) : {}, stderr: result.stderr };
}

async function invokeJson(functionName: string, event: unknown): Promise<{ functionError?: string; body: unknown }> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }));
  return { ...(out.FunctionError === undefined ? {} : { functionError: out.FunctionError }), body: JSON.parse(Buffer.from(out.Payload!).toString('utf8')) };
}

/** What the SDK threw: its error name and Lambda's message, whole. */
async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as Error | undefined;
  if (error === undefined) throw new Error('expected the call to be refused');
  return { name: error.name, message: error.message };
}

const create = (name: string, zip: Buffer, extra: Record<string, unknown> = {}) =>
  lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip }, ...extra }));

beforeAll(async () => {
  recorder = await startRecordingFunction();
  kinesis = kinesisClient(stack.kinesisEndpoint);
  sluice = await startSluice({
    args: ['start', '--role', 'all'],
    env: flowEnv(stack, prefix, { AWS_ENDPOINT_URL_S3: stack.motoEndpoint, SLUICE_FUNCTIONS_DIR: functionsDir }),
  });
  lambda = sluiceLambdaClient(sluice.url);
});

afterAll(async () => {
  lambda?.destroy();
  kinesis?.destroy();
  s3.destroy();
  await sluice?.stop();
  await recorder?.close();
  rmSync(scratch, { recursive: true, force: true });
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

describe("a Node.js function through Lambda's API", () => {
  const v1 = zipOf({ 'index.js': handlerSource('v1') });

  it('aws lambda create-function --zip-file fileb://: Active, Successful, the .zip\'s CodeSha256 and CodeSize', async () => {
    const zipPath = join(scratch, 'v1.zip');
    writeFileSync(zipPath, v1);

    const { code, out, stderr } = await aws([
      'create-function', '--function-name', orders, '--runtime', 'nodejs22.x', '--handler', 'index.handler', '--role', ROLE,
      '--zip-file', `fileb://${zipPath}`, '--timeout', '10', '--environment', `Variables={GREETING=hello,RECORDER=${recorder.url}}`,
    ]);

    expect(code, stderr).toBe(0);
    expect(out).toMatchObject({
      FunctionName: orders,
      FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${orders}`,
      Runtime: 'nodejs22.x',
      Role: ROLE,
      Handler: 'index.handler',
      CodeSize: v1.length,
      CodeSha256: sha256(v1),
      Timeout: 10,
      MemorySize: 128,
      Version: '$LATEST',
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Environment: { Variables: { GREETING: 'hello', RECORDER: recorder.url } },
    });
    expect(['SluiceInvoker', 'SluiceDetail'].filter((k) => k in out)).toEqual([]);
  });

  it('runs RequestResponse through the Invoke API with its Environment', async () => {
    expect(await invokeJson(orders, { id: 1 })).toEqual({ body: { version: 'v1', greeting: 'hello', event: { id: 1 } } });
  });

  it('runs through a Kinesis mapping', async () => {
    const stream = uniqueName('lambda-fns-stream');
    const arn = await createTestStream(kinesis, stream, 1);
    const uuid = await createStreamMapping(lambda, orders, { EventSourceArn: arn, BatchSize: 10 });
    await putJsonRecords(kinesis, stream, ['a', 'b', 'c']);

    const records = await waitFor(() => (recorder.records().length >= 3 ? recorder.records() : undefined), { timeoutMs: 30_000, message: 'the function never got the records' });

    expect(records.map((r) => JSON.parse(Buffer.from((r.kinesis as { data: string }).data, 'base64').toString('utf8')))).toEqual([
      { n: 0, key: 'a' },
      { n: 1, key: 'b' },
      { n: 2, key: 'c' },
    ]);
    expect(records.every((r) => r.eventSourceARN === arn)).toBe(true);
    await deleteSettledMapping(lambda, uuid);
  });

  it('UpdateFunctionCode: the new code answers the very next invocation; GetFunction shows its digest', async () => {
    const v2 = zipOf({ 'index.mjs': 'export const handler = async (event) => ({ version: "v2", greeting: process.env.GREETING, event });' });

    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: orders, ZipFile: v2 }));
    const answer = await invokeJson(orders, { id: 2 });
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: orders }));

    expect(updated).toMatchObject({ CodeSha256: sha256(v2), CodeSize: v2.length, State: 'Active', LastUpdateStatus: 'Successful' });
    expect(answer).toEqual({ body: { version: 'v2', greeting: 'hello', event: { id: 2 } } });
    expect(got.Configuration).toMatchObject({ CodeSha256: sha256(v2), RevisionId: updated.RevisionId });
    expect(got.Code).toEqual({ RepositoryType: 'S3' });
  });

  it('aws lambda update-function-configuration: Timeout, MemorySize, Environment, Handler, Description', async () => {
    const { code, out, stderr } = await aws([
      'update-function-configuration', '--function-name', orders, '--timeout', '20', '--memory-size', '256', '--description', 'orders, v2',
      '--handler', 'index.handler', '--environment', 'Variables={GREETING=bonjour}',
    ]);

    expect(code, stderr).toBe(0);
    expect(out).toMatchObject({ Timeout: 20, MemorySize: 256, Description: 'orders, v2', Handler: 'index.handler', Environment: { Variables: { GREETING: 'bonjour' } } });
    expect(await invokeJson(orders, {})).toEqual({ body: { version: 'v2', greeting: 'bonjour', event: {} } });
  });

  it('aws lambda put/get/delete-function-concurrency', async () => {
    const put = await aws(['put-function-concurrency', '--function-name', orders, '--reserved-concurrent-executions', '5']);
    const got = await aws(['get-function-concurrency', '--function-name', orders]);
    const deleted = await aws(['delete-function-concurrency', '--function-name', orders]);
    const after = await aws(['get-function-concurrency', '--function-name', orders]);

    expect([put.code, got.code, deleted.code, after.code]).toEqual([0, 0, 0, 0]);
    expect(put.out).toEqual({ ReservedConcurrentExecutions: 5 });
    expect(got.out).toEqual({ ReservedConcurrentExecutions: 5 });
    expect(after.out).toEqual({});
  });
});

describe('one registry, two views', () => {
  it('code from S3; ListFunctions pages with MaxItems and Marker; /sluice/v1/functions lists the same functions', async () => {
    const bucket = uniqueName('lambda-code');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'fn.zip', Body: zipOf({ 'index.js': handlerSource('s3') }) }));
    const fromS3 = uniqueName('from-s3');
    const hooks = uniqueName('hooks');

    await lambda.send(new CreateFunctionCommand({ FunctionName: fromS3, Runtime: 'nodejs22.x', Handler: 'index.handler', Role: ROLE, Code: { S3Bucket: bucket, S3Key: 'fn.zip' } }));
    expect(await registerHttpFunction(sluice.url, hooks, 'http://127.0.0.1:9/hooks')).toBe(201);
    const first = await lambda.send(new ListFunctionsCommand({ MaxItems: 1 }));
    const rest = await lambda.send(new ListFunctionsCommand({ Marker: first.NextMarker }));
    const registry = await callSluiceApi(sluice.url, 'GET', '/sluice/v1/functions');
    const hooksConfig = await lambda.send(new GetFunctionCommand({ FunctionName: hooks }));
    const missingKey = await refusal(lambda.send(new CreateFunctionCommand({ FunctionName: uniqueName('nokey'), Runtime: 'nodejs22.x', Handler: 'index.handler', Role: ROLE, Code: { S3Bucket: bucket, S3Key: 'none.zip' } })));

    expect(await invokeJson(fromS3, { id: 3 })).toMatchObject({ body: { version: 's3' } });
    expect(first.Functions?.map((f) => f.FunctionName)).toEqual([orders]);
    expect([...(first.Functions ?? []), ...(rest.Functions ?? [])].map((f) => f.FunctionName)).toEqual([orders, fromS3, hooks]);
    expect(rest.NextMarker).toBeUndefined();
    expect((registry.body as { Functions: { FunctionName: string; Invoker: { Type: string } }[] }).Functions.map((f) => [f.FunctionName, f.Invoker.Type])).toEqual([
      [orders, 'node'],
      [fromS3, 'node'],
      [hooks, 'http'],
    ]);
    expect(hooksConfig.Configuration).toMatchObject({ FunctionName: hooks, State: 'Active', LastUpdateStatus: 'Successful', CodeSize: 0 });
    expect(hooksConfig.Configuration?.Runtime).toBeUndefined();
    expect(missingKey).toEqual({ name: 'InvalidParameterValueException', message: 'Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.' });
    // Deleted through the registry view, its unpacked code goes too.
    expect(existsSync(join(functionsDir, 'lambda', fromS3))).toBe(true);
    expect((await callSluiceApi(sluice.url, 'DELETE', `/sluice/v1/functions/${fromS3}`)).status).toBe(204);
    expect(existsSync(join(functionsDir, 'lambda', fromS3))).toBe(false);
  });

  it('a python3.12 function is kept, says how to run it, and its invocation is refused until it has an invoker', async () => {
    const py = uniqueName('py');
    await lambda.send(new CreateFunctionCommand({ FunctionName: py, Runtime: 'python3.12', Handler: 'app.handler', Role: ROLE, Code: { ZipFile: zipOf({ 'app.py': 'def handler(e, c): return e' }) } }));

    const config = await callSluiceApi(sluice.url, 'GET', `/2015-03-31/functions/${py}/configuration`);
    const invoked = await refusal(invokeJson(py, {}));

    expect(config.body).toMatchObject({ Runtime: 'python3.12', State: 'Active', SluiceInvoker: { Type: 'none' } });
    expect((config.body as { SluiceDetail: string }).SluiceDetail).toContain(`PUT /sluice/v1/functions/${py} with {"Invoker":{"Type":"http","Url":"http://127.0.0.1:9000/2015-03-31/functions/function/invocations"}}`);
    expect(invoked).toEqual({ name: 'InvalidRuntimeException', message: 'The runtime or runtime version specified is not supported.' });
  });
});

describe("Lambda's refusals, whole", () => {
  it('a name taken, a reserved variable, an archive that climbs out of its folder, a function that is not there', async () => {
    const slip = zipOf({ 'index.js': 'exports.handler = 1;', '../../escaped.js': 'evil' });
    const slipName = uniqueName('slip');

    expect(await refusal(create(orders, zipOf({ 'index.js': '' })))).toEqual({ name: 'ResourceConflictException', message: `Function already exist: ${orders}` });
    expect(await refusal(create(uniqueName('env'), zipOf({ 'index.js': '' }), { Environment: { Variables: { AWS_REGION: 'x' } } }))).toEqual({
      name: 'InvalidParameterValueException',
      message:
        'Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION',
    });
    expect(await refusal(create(slipName, slip))).toEqual({ name: 'InvalidParameterValueException', message: 'Could not unzip uploaded file. Please check your file, then try to upload again.' });
    expect(existsSync(join(functionsDir, 'escaped.js')) || existsSync(join(functionsDir, 'lambda', 'escaped.js')) || existsSync(join(functionsDir, 'lambda', slipName))).toBe(false);
    const ghost = uniqueName('ghost');
    expect(await refusal(lambda.send(new GetFunctionCommand({ FunctionName: ghost })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${ghost}`,
    });
  });

  it('CreateFunction Tags: GetFunction and ListTags show them; more than 50 refuse the create whole', async () => {
    const tagged = uniqueName('tagged');
    const created = await create(tagged, zipOf({ 'index.js': handlerSource('v1') }), { Tags: { team: 'orders', 'cost:centre': '42' } });
    const untagged = uniqueName('untagged');
    await create(untagged, zipOf({ 'index.js': handlerSource('v1') }));
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    const crowded = uniqueName('crowded');

    expect((await lambda.send(new GetFunctionCommand({ FunctionName: tagged }))).Tags).toEqual({ team: 'orders', 'cost:centre': '42' });
    expect((await lambda.send(new ListTagsCommand({ Resource: created.FunctionArn! }))).Tags).toEqual({ team: 'orders', 'cost:centre': '42' });
    expect('Tags' in (await lambda.send(new GetFunctionCommand({ FunctionName: untagged })))).toBe(false);
    expect(await refusal(create(crowded, zipOf({ 'index.js': handlerSource('v1') }), { Tags: many }))).toEqual({ name: 'InvalidParameterValueException', message: 'Number of tags exceeds resource tag limit.' });
    expect(await refusal(lambda.send(new GetFunctionCommand({ FunctionName: crowded })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${crowded}`,
    });
  });

  it('aws lambda delete-function: 204, then the function and its code are gone', async () => {
    const deleted = await aws(['delete-function', '--function-name', orders]);
    const after = await aws(['get-function', '--function-name', orders]);

    expect(deleted.code, deleted.stderr).toBe(0);
    expect(after.code).toBe(254);
    expect(after.stderr.trim()).toBe(
      `An error occurred (ResourceNotFoundException) when calling the GetFunction operation (reached max retries: 0): Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${orders}`,
    );
    expect(existsSync(join(functionsDir, 'lambda', orders))).toBe(false);
  });
});
