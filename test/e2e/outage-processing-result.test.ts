import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GetEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { startSluiceWithFunction, type SluiceWithFunction } from '../helpers/sluice-with-function.js';
import type { SluiceProcess } from '../helpers/sluice-process.js';
import { createStreamMapping } from '../helpers/sluice-lambda.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { createTestStream, decodeKinesisData, kinesisClient, putJsonRecords } from '../helpers/kinesis-test-stream.js';

// Outages as an operator sees them on the mapping (GetEventSourceMapping through the AWS SDK's
// LambdaClient): Sluice reaches kinesis-local through a TCP pass-through that the test closes (a
// stream service that refuses connections) and opens again; the function answers 500 for a while.
// LastProcessingResult says PROBLEM while each outage lasts and OK once a batch succeeds again.

const stack = inject('stack');
const fnName = uniqueName('outage-fn');
let proxy: TcpProxy;
let harness: SluiceWithFunction<SluiceProcess>;
let lambda: LambdaClient;
let kinesis: KinesisClient;

beforeAll(async () => {
  kinesis = kinesisClient(stack.kinesisEndpoint);
  proxy = await startTcpProxy(stack.kinesisEndpoint);
  // Sluice reads the stream through the proxy; its failed batches retry every 50-200 ms (FAST_FLOW_ENV).
  harness = await startSluiceWithFunction(stack, { prefix: uniqueName('e2e-outage'), functionName: fnName, env: { AWS_ENDPOINT_URL_KINESIS: proxy.url } });
  ({ lambda } = harness);
});

afterAll(async () => {
  kinesis?.destroy();
  await harness?.close();
  await proxy?.close();
});

/** Waits until the mapping's LastProcessingResult is `expected`; returns how long that took. */
async function waitForResult(uuid: string, expected: string, timeoutMs = 20_000): Promise<void> {
  let last: string | undefined;
  await waitFor(
    async () => {
      last = (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).LastProcessingResult;
      return last === expected;
    },
    { timeoutMs, intervalMs: 100, message: () => `LastProcessingResult stayed ${JSON.stringify(last)}, never ${JSON.stringify(expected)}` },
  );
}

const delivered = (arn: string) => new Set(harness.fn.records().filter((r) => r.eventSourceARN === arn).map((r) => decodeKinesisData(r).n));

describe('LastProcessingResult during outages', () => {
  it('says PROBLEM while the stream cannot be read and while the function fails, and OK again once a batch succeeds', async () => {
    // Arrange: a mapping that delivered its first batch.
    const name = uniqueName('outage');
    const arn = await createTestStream(kinesis, name, 1);
    const uuid = await createStreamMapping(lambda, fnName, { EventSourceArn: arn, BatchSize: 10 });
    await putJsonRecords(kinesis, name, ['a'], 0);
    await waitForResult(uuid, 'OK');

    // Act 1: the stream service refuses connections; a record is written meanwhile (straight to kinesis-local).
    await proxy.refuse();
    await putJsonRecords(kinesis, name, ['a'], 1);

    // Assert 1
    await waitForResult(uuid, 'PROBLEM: Stream read failed');
    await proxy.accept();
    await waitForResult(uuid, 'OK');
    await waitFor(() => delivered(arn).has(1), { message: 'the record written during the stream outage never arrived' });

    // Act 2: the function fails (HTTP 500) until told otherwise.
    harness.fn.respond = () => ({ status: 500, body: { message: 'injected outage' } });
    await putJsonRecords(kinesis, name, ['a'], 2);

    // Assert 2
    await waitForResult(uuid, 'PROBLEM: Function call failed');
    const failedAttempts = harness.fn.events.length;
    harness.fn.respond = () => ({ status: 200, body: {} });
    await waitForResult(uuid, 'OK');
    expect(harness.fn.events.length).toBeGreaterThan(failedAttempts);
    expect(delivered(arn)).toEqual(new Set([0, 1, 2]));
  });
});
