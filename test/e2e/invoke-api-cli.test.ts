import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { createAsyncInvocationQueue, createRedisKeys, type AsyncInvocationQueue } from '@sluice/shared';
import { registerFunction, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { AWS_CLI, runAwsLambdaCli, type CliResult } from '../helpers/aws-cli.js';
import { uniqueName } from '../helpers/unique-name.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';

// `aws lambda invoke` and the event-invoke-config commands of the real AWS CLI v2 against a Sluice
// API protected by SLUICE_API_TOKEN: the CLI signs each call (payload included) with the token as
// its secret key, unchanged. /usr/bin/aws is Debian's v2; a v1 shim may come first on PATH.
const stack = inject('stack');
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TOKEN = 'invoke-cli-token-0123';
const FUNCTIONS_DIR = fileURLToPath(new URL('../fixtures/node-functions/', import.meta.url));
const prefix = uniqueName('e2e-invoke-cli');
const echo = uniqueName('cli-echo');
const cliHome = mkdtempSync(join(tmpdir(), 'sluice-invoke-cli-'));
const execFileAsync = promisify(execFile);
let sluice: SluiceProcess;
let redis: Redis;
let queue: AsyncInvocationQueue;

/** Runs `aws lambda <args>` against Sluice, signing with `secret`; never throws. */
function aws(args: string[], secret = TOKEN): Promise<CliResult> {
  return runAwsLambdaCli(args, { endpointUrl: sluice.url, home: cliHome, region: REGION, accessKeyId: 'sluice', secretAccessKey: secret });
}

async function awsJson<T>(args: string[]): Promise<T> {
  const result = await aws(args);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** `aws lambda invoke` with a JSON payload as text; returns the CLI's output and the response file. */
async function invoke(functionName: string, payload: string, ...extra: string[]): Promise<{ result: CliResult; out: Record<string, string | number>; body: string }> {
  const outFile = join(cliHome, `${uniqueName('out')}.json`);
  const result = await aws(['invoke', '--function-name', functionName, '--cli-binary-format', 'raw-in-base64-out', '--payload', payload, ...extra, outFile]);
  const out = result.code === 0 ? (JSON.parse(result.stdout) as Record<string, string | number>) : {};
  let body = '';
  try {
    body = readFileSync(outFile, 'utf8');
  } catch {
    // No response body written (an error, or an Event / DryRun answer without one).
  }
  return { result, out, body };
}

beforeAll(async () => {
  const { stdout: version } = await execFileAsync(AWS_CLI, ['--version']);
  expect(version).toMatch(/^aws-cli\/2\./);
  sluice = await startSluice({
    env: { REDIS_URL: stack.redisUrl, SLUICE_REDIS_PREFIX: prefix, AWS_REGION: REGION, SLUICE_API_TOKEN: TOKEN, SLUICE_FUNCTIONS_DIR: FUNCTIONS_DIR },
  });
  redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  queue = createAsyncInvocationQueue(redis, createRedisKeys(prefix));
  const registered = await registerFunction(
    sluice.url,
    { FunctionName: echo, Invoker: { Type: 'node', Module: './invoke-echo.mjs', Handler: 'handler' }, Timeout: 10 },
    { authorization: `Bearer ${TOKEN}` },
  );
  expect(registered.status, registered.text).toBe(201);
});

afterAll(async () => {
  await queue?.close();
  redis?.disconnect();
  await sluice?.stop();
  await deleteRedisPrefix(stack.redisUrl, prefix);
  rmSync(cliHome, { recursive: true, force: true });
});

describe('aws lambda invoke', () => {
  it('RequestResponse with --log-type Tail: StatusCode 200, ExecutedVersion, LogResult, the result in the outfile', async () => {
    const { result, out, body } = await invoke(echo, '{"from":"cli"}', '--log-type', 'Tail');

    expect(result.code, result.stderr).toBe(0);
    expect(out).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(body)).toMatchObject({ echo: { from: 'cli' } });
    const log = Buffer.from(String(out.LogResult), 'base64').toString('utf8');
    expect(log).toMatch(/^START RequestId: \S+ Version: \$LATEST\n/);
    expect(log).toContain('echo got {"from":"cli"}');
  });

  it('a function error: exit 0, FunctionError Unhandled, the error object in the outfile', async () => {
    const { result, out, body } = await invoke(echo, '{"fail":"cli"}');

    expect(result.code, result.stderr).toBe(0);
    expect(out).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
    expect(JSON.parse(body)).toMatchObject({ errorType: 'RangeError', errorMessage: 'asked to fail: cli' });
  });

  it('--invocation-type Event: StatusCode 202 and the event queued', async () => {
    const before = await queue.getJobs(['waiting']);

    const { result, out } = await invoke(echo, '{"queued":true}', '--invocation-type', 'Event');

    expect(result.code, result.stderr).toBe(0);
    expect(out.StatusCode).toBe(202);
    const added = (await queue.getJobs(['waiting'])).filter((j) => !before.some((b) => b.id === j.id));
    expect(added.map((j) => j.data)).toEqual([expect.objectContaining({ functionName: echo, payload: '{"queued":true}', origin: 'invoke' })]);
  });

  it('--invocation-type DryRun: StatusCode 204', async () => {
    const { result, out } = await invoke(echo, '{}', '--invocation-type', 'DryRun');

    expect(result.code, result.stderr).toBe(0);
    expect(out.StatusCode).toBe(204);
  });

  it('DryRun signed with the wrong secret: 401 UnrecognizedClientException (the caller is not authorised)', async () => {
    const result = await aws(['invoke', '--function-name', echo, '--invocation-type', 'DryRun', join(cliHome, 'unused.json')], 'not-the-token');

    expect(result.code).toBe(254);
    expect(result.stderr).toContain('An error occurred (UnrecognizedClientException) when calling the Invoke operation');
  });

  it('an unknown function: exit 254 and ResourceNotFoundException', async () => {
    const { result } = await invoke(uniqueName('ghost'), '{}');

    expect(result.code).toBe(254);
    expect(result.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the Invoke operation');
  });
});

describe('aws lambda *-function-event-invoke-config', () => {
  it('put, update, list, delete', async () => {
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${echo}:$LATEST`;
    const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:cli-failures`;

    const put = await awsJson<Record<string, unknown>>([
      'put-function-event-invoke-config', '--function-name', echo, '--maximum-retry-attempts', '1',
      '--destination-config', JSON.stringify({ OnFailure: { Destination: queueArn } }),
    ]);
    const updated = await awsJson<Record<string, unknown>>(['update-function-event-invoke-config', '--function-name', echo, '--maximum-event-age-in-seconds', '3600']);
    const listed = await awsJson<{ FunctionEventInvokeConfigs: Record<string, unknown>[] }>(['list-function-event-invoke-configs', '--function-name', echo]);
    const deleted = await aws(['delete-function-event-invoke-config', '--function-name', echo]);
    const gone = await aws(['get-function-event-invoke-config', '--function-name', echo]);

    expect(put).toMatchObject({ FunctionArn: arn, MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: queueArn } } });
    // The API sends epoch seconds; the CLI prints a date near now (milliseconds would print a far future).
    expect(Math.abs(Date.parse(String(put.LastModified)) - Date.now())).toBeLessThan(5 * 60_000);
    expect(updated).toMatchObject({ FunctionArn: arn, MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600, DestinationConfig: { OnFailure: { Destination: queueArn } } });
    expect(listed.FunctionEventInvokeConfigs).toEqual([updated]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(gone.code).toBe(254);
    expect(gone.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the GetFunctionEventInvokeConfig operation');
  });
});
