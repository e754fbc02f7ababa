import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { KinesisClient, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findFreePort, isPortInUse } from '@sluice/localstack';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// The quick start exactly as a newcomer runs it: `bash localstack/quickstart.sh` in the repository
// (what `npm run dev` runs). Only the ports and the Redis prefix are chosen, so it cannot clash
// with other test files or a developer's own `sluice dev`.

const stack = inject('stack');
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const REGION = 'us-east-1';
const redisPrefix = uniqueName('e2e-quickstart');
let quickstart: ChildProcess | undefined;

afterAll(async () => {
  // Only if an assertion failed before the SIGINT: never leave it running.
  if (quickstart !== undefined && quickstart.exitCode === null && quickstart.signalCode === null) quickstart.kill('SIGKILL');
  await deleteRedisPrefix(stack.redisUrl, redisPrefix);
});

describe('quick start (npm run dev)', () => {
  it('starts Sluice with the demo registered, and Ctrl+C stops everything with exit code 0', { timeout: 240_000 }, async () => {
    // Arrange
    const [apiPort, kinesisPort, motoPort, demoFunctionPort] = await Promise.all([findFreePort(), findFreePort(), findFreePort(), findFreePort()]);
    const child = spawn('bash', ['localstack/quickstart.sh'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        REDIS_URL: stack.redisUrl,
        SLUICE_REDIS_PREFIX: redisPrefix,
        SLUICE_PORT: String(apiPort),
        SLUICE_INGRESS_PORT: '0',
        SLUICE_DEV_KINESIS_PORT: String(kinesisPort),
        SLUICE_DEV_MOTO_PORT: String(motoPort),
        SLUICE_DEV_DEMO_FUNCTION_PORT: String(demoFunctionPort),
        SLUICE_DEV_PRODUCER_INTERVAL_MS: '100',
        SLUICE_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    quickstart = child;
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );

    // Act: wait for the line a newcomer is told to look for.
    const apiUrl = await waitFor(() => /Sluice API listening on (http:\/\/\S+)/.exec(output)?.[1], {
      timeoutMs: 180_000,
      intervalMs: 200,
      message: () => `no "Sluice API listening on" line; output so far:\n${output}`,
    });

    // Assert: the API answers, with the demo function and its mapping registered through it.
    expect(apiUrl).toBe(`http://127.0.0.1:${apiPort}`);
    expect(output).not.toContain('Skipped:');
    expect(output).toMatch(/S3 ingress \(POST \/s3, \/sns, \/eventbridge\): http:\/\/127\.0\.0\.1:\d+/);
    const lambda = new LambdaClient({ endpoint: apiUrl, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const { EventSourceMappings: mappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'sluice-demo' }));
    lambda.destroy();
    // The stream's mapping, and (moto runs) the demo queue's.
    expect(mappings).toHaveLength(2);
    const streamMapping = mappings.find((m) => m.EventSourceArn?.startsWith('arn:aws:kinesis:'));
    expect(streamMapping).toMatchObject({
      EventSourceArn: `arn:aws:kinesis:${REGION}:000000000000:stream/sluice-demo`,
      FunctionArn: `arn:aws:lambda:${REGION}:000000000000:function:sluice-demo`,
      StartingPosition: 'LATEST',
    });
    const queueMapping = mappings.find((m) => m.EventSourceArn?.startsWith('arn:aws:sqs:'));
    expect(queueMapping).toMatchObject({ EventSourceArn: expect.stringMatching(/^arn:aws:sqs:us-east-1:\d{12}:sluice-demo$/), FunctionArn: streamMapping!.FunctionArn, BatchSize: 10 });
    expect(output).toContain(`Demo: SQS queue sluice-demo -> mapping ${queueMapping!.UUID} -> function sluice-demo`);
    const registered = await fetch(`${apiUrl}/sluice/v1/functions/sluice-demo`);
    expect(registered.status).toBe(200);
    const demoFunctionUrl = `http://127.0.0.1:${demoFunctionPort}/invoke`;
    expect(output).toContain(`function sluice-demo (${demoFunctionUrl})`);
    expect(await registered.json()).toMatchObject({ FunctionName: 'sluice-demo', Invoker: { Type: 'http', Url: demoFunctionUrl } });

    // ...and the embedded Kinesis on the chosen port holds the demo stream.
    const kinesis = new KinesisClient({
      endpoint: `http://127.0.0.1:${kinesisPort}`,
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: new NodeHttpHandler(),
    });
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'sluice-demo' }));
    kinesis.destroy();
    expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
    expect(await isPortInUse(motoPort)).toBe(true);

    // ...and the producer's records reach the demo function within seconds, as the log shows.
    await waitFor(() => /"msg":"demo function invoked"[^\n]*"eventSource":"aws:kinesis"|"eventSource":"aws:kinesis"[^\n]*"msg":"demo function invoked"/.test(output), {
      timeoutMs: 15_000,
      message: () => `the demo function never logged an invocation; output so far:\n${output.slice(-3000)}`,
    });
    const invoked = output.split('\n').find((line) => line.includes('"msg":"demo function invoked"') && line.includes('"eventSource":"aws:kinesis"'))!;
    const logged = JSON.parse(invoked) as { records: number; event: { Records: { eventSource: string; eventSourceARN: string }[] } };
    expect(logged.records).toBeGreaterThan(0);
    expect(logged.event.Records[0]).toMatchObject({ eventSource: 'aws:kinesis', eventSourceARN: `arn:aws:kinesis:${REGION}:000000000000:stream/sluice-demo` });
    // ...and so do the queue's messages, as Lambda's SQS events.
    await waitFor(() => /"msg":"demo function invoked"[^\n]*"eventSource":"aws:sqs"|"eventSource":"aws:sqs"[^\n]*"msg":"demo function invoked"/.test(output), {
      timeoutMs: 15_000,
      message: () => `the demo function never logged an SQS invocation; output so far:\n${output.slice(-3000)}`,
    });

    // Act: Ctrl+C.
    child.kill('SIGINT');
    const exit = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000))]);

    // Assert: a clean exit, and nothing it started still listens.
    expect(exit, output).toEqual({ code: 0, signal: null });
    const stillListening = [];
    for (const [what, port] of [['API', apiPort], ['kinesis-local', kinesisPort], ['moto', motoPort], ['demo function', demoFunctionPort]] as const) {
      if (await isPortInUse(port)) stillListening.push(`${what} on ${port}`);
    }
    expect(stillListening).toEqual([]);
  });
});
