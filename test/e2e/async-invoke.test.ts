import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InvokeCommand, PutFunctionEventInvokeConfigCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { flowEnv, registerHttpFunction, startSluice, startSluiceRole, type SluiceProcess } from '../helpers/sluice-process.js';
import { TEST_CREDENTIALS, sluiceLambdaClient } from '../helpers/sluice-lambda.js';
import { createTestQueue, receiveJsonMessages, type TestQueue } from '../helpers/sqs-test-queue.js';
import { startRecordingFunction, type RecordingFunction } from '../helpers/recording-function.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';

const run = promisify(execFile);

// Event invocations through Sluice's Invoke API, with the real LambdaClient and the AWS CLI v2:
// 202 at once, the event reaches the function, and with a function that always fails the shortened
// retry schedule ends in exactly AWS's destination record in SQS. Sluice's API and worker roles run as
// two separate processes sharing one Redis.
const stack = inject('stack');
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const prefix = uniqueName('e2e-async');
const failing = uniqueName('async-fail');
const working = uniqueName('async-ok');
let sluice: SluiceProcess;
let worker: SluiceProcess;
let lambda: LambdaClient;
let sqs: SQSClient;
let fn: RecordingFunction;
let queue: TestQueue;

beforeAll(async () => {
  fn = await startRecordingFunction();
  fn.respond = (event) => (event.fail === true ? { status: 200, body: { errorType: 'Error', errorMessage: 'boom' }, headers: { 'X-Amz-Function-Error': 'Unhandled' } } : { status: 200, body: { ok: true } });
  sqs = new SQSClient({ region: REGION, credentials: TEST_CREDENTIALS, endpoint: stack.motoEndpoint });
  queue = await createTestQueue(sqs, uniqueName('async-dest'));
  const env = flowEnv(stack, prefix, { SLUICE_ASYNC_RETRY_DELAYS_MS: '100,200' });
  sluice = await startSluice({ args: ['start', '--role', 'api'], env });
  worker = await startSluiceRole('worker', env);
  lambda = sluiceLambdaClient(sluice.url);
  expect(await registerHttpFunction(sluice.url, failing, fn.url)).toBe(201);
  expect(await registerHttpFunction(sluice.url, working, fn.url)).toBe(201);
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: failing, DestinationConfig: { OnFailure: { Destination: queue.arn } } }));
});

afterAll(async () => {
  lambda?.destroy();
  await queue?.delete().catch(() => undefined);
  sqs?.destroy();
  await sluice?.stop();
  await worker?.stop();
  await fn?.close();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

describe('Event invocations', () => {
  it('LambdaClient: 202, three attempts, then exactly AWS\'s RetriesExhausted record in SQS', async () => {
    const event = { fail: true, orderId: '9e07af03' };

    const response = await lambda.send(new InvokeCommand({ FunctionName: failing, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));

    expect(response.StatusCode).toBe(202);
    const requestId = response.$metadata.requestId!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const [message] = await receiveJsonMessages(sqs, queue.url, { timeoutMs: 20_000, message: 'no destination record in SQS' });
    const calls = fn.events.filter((e) => e.event.orderId === '9e07af03');
    expect(calls).toHaveLength(3);
    expect(message).toEqual({
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestContext: {
        requestId,
        functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${failing}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'boom' },
    });
  });

  it('AWS CLI: lambda invoke --invocation-type Event answers 202 and the event reaches the function', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-async-'));
    try {
      const { stdout } = await run(
        '/usr/bin/aws',
        ['lambda', 'invoke', '--endpoint-url', sluice.url, '--function-name', working, '--invocation-type', 'Event', '--cli-binary-format', 'raw-in-base64-out', '--payload', '{"from":"cli"}', join(dir, 'out.json')],
        { env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: REGION, AWS_PAGER: '' } },
      );

      expect(JSON.parse(stdout)).toEqual({ StatusCode: 202 });
      expect(await readFile(join(dir, 'out.json'), 'utf8')).toBe('');
      await waitFor(() => fn.events.some((e) => e.event.from === 'cli'), { message: 'the CLI event never reached the function' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
