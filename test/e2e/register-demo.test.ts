import { DeleteStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { GetEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LocalStackErrorCode, registerDemo, seedDemoResources, startDemoFunction, type DemoFunction } from '@sluice/localstack';
import { startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { uniqueName } from '../helpers/unique-name.js';

// registerDemo drives Sluice's public API (function registry REST + the real Lambda SDK client)
// against a Sluice process, with and without an API token.

const stack = inject('stack');
const REGION = 'us-east-1';
const TOKEN = 'register-demo-test-token';
const kinesis = new KinesisClient({
  endpoint: stack.kinesisEndpoint,
  region: REGION,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  requestHandler: new NodeHttpHandler(),
});
const streamName = uniqueName('register-demo');
let streamArn: string;
let demoFunction: DemoFunction;
const prefixes = [uniqueName('e2e-register-demo'), uniqueName('e2e-register-demo-token')] as const;
let open: SluiceProcess;
let guarded: SluiceProcess;

beforeAll(async () => {
  streamArn = (await seedDemoResources({ kinesis, streamName, shardCount: 1 })).streamArn;
  demoFunction = await startDemoFunction({ logger: pino({ level: 'silent' }) });
  const env = { REDIS_URL: stack.redisUrl, AWS_ENDPOINT_URL_KINESIS: stack.kinesisEndpoint, AWS_REGION: REGION };
  [open, guarded] = await Promise.all([
    startSluice({ env: { ...env, SLUICE_REDIS_PREFIX: prefixes[0] } }),
    startSluice({ env: { ...env, SLUICE_REDIS_PREFIX: prefixes[1], SLUICE_API_TOKEN: TOKEN } }),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([open?.stop(), guarded?.stop(), demoFunction?.stop()]);
  await kinesis.send(new DeleteStreamCommand({ StreamName: streamName })).catch(() => undefined);
  kinesis.destroy();
  await Promise.all(prefixes.map((prefix) => deleteRedisPrefix(stack.redisUrl, prefix)));
});

describe('registerDemo', () => {
  it('registers the function and a LATEST mapping, and a second run finds both', async () => {
    // Arrange
    const options = { apiUrl: open.url, functionUrl: demoFunction.url, streamArn, region: REGION };

    // Act
    const first = await registerDemo(options);
    const second = await registerDemo(options);

    // Assert
    expect(first).toMatchObject({
      functionName: 'sluice-demo',
      functionCreated: true,
      mappingCreated: true,
      registeredFunctionUrl: demoFunction.url,
    });
    expect(second).toEqual({ ...first, functionCreated: false, mappingCreated: false });
    const fn = await fetch(`${open.url}/sluice/v1/functions/sluice-demo`);
    expect(await fn.json()).toMatchObject({ Invoker: { Type: 'http', Url: demoFunction.url } });
    const lambda = new LambdaClient({ endpoint: open.url, region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mapping = await lambda.send(new GetEventSourceMappingCommand({ UUID: first.mappingUuid }));
    lambda.destroy();
    expect(mapping).toMatchObject({
      EventSourceArn: streamArn,
      FunctionArn: `arn:aws:lambda:${REGION}:000000000000:function:sluice-demo`,
      StartingPosition: 'LATEST',
    });
  });

  it('reports the URL registered earlier when the function already exists with another one', async () => {
    // Arrange
    const functionName = uniqueName('demo-moved');
    const options = { apiUrl: open.url, streamArn, region: REGION, functionName };
    await registerDemo({ ...options, functionUrl: demoFunction.url });

    // Act
    const again = await registerDemo({ ...options, functionUrl: 'http://127.0.0.1:1/elsewhere' });

    // Assert
    expect(again).toMatchObject({ functionCreated: false, mappingCreated: false, registeredFunctionUrl: demoFunction.url });
  });

  it('authenticates with the API token on both the REST call and the SDK client', async () => {
    // Act
    const options = { apiUrl: guarded.url, functionUrl: demoFunction.url, streamArn, region: REGION, apiToken: TOKEN };
    const registered = await registerDemo(options);
    const again = await registerDemo(options);

    // Assert
    expect(registered).toMatchObject({ functionCreated: true, mappingCreated: true });
    expect(again).toMatchObject({ functionCreated: false, mappingCreated: false, registeredFunctionUrl: demoFunction.url });
  });

  it('fails with the API answer when the token is missing', async () => {
    // Act
    const attempt = registerDemo({ apiUrl: guarded.url, functionUrl: demoFunction.url, streamArn, region: REGION, functionName: 'other-demo' });

    // Assert
    await expect(attempt).rejects.toMatchObject({
      code: LocalStackErrorCode.DemoSetupFailed,
      message: expect.stringContaining('answered 401'),
    });
  });
});
