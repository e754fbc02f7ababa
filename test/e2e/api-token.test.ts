import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { uniqueName } from '../helpers/unique-name.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';

// SLUICE_API_TOKEN protects every management call; the SDK authenticates by signing with the token
// as its secret key, plain HTTP with a Bearer header.
const stack = inject('stack');
const token = 'a-long-enough-test-token';
const prefix = uniqueName('e2e-token');
let sluice: SluiceProcess;

beforeAll(async () => {
  sluice = await startSluice({
    env: {
      REDIS_URL: stack.redisUrl,
      SLUICE_REDIS_PREFIX: prefix,
      SLUICE_API_TOKEN: token,
      SLUICE_VALIDATE_SOURCES: 'false',
    },
  });
});

afterAll(async () => {
  await sluice?.stop();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

const client = (secretAccessKey: string) =>
  new LambdaClient({ region: 'us-east-1', endpoint: sluice.url, credentials: { accessKeyId: 'anyone', secretAccessKey }, maxAttempts: 1 });

describe('API token', () => {
  it('lets the AWS SDK in when it signs with the token as secret key', async () => {
    const lambda = client(token);
    const listed = await lambda.send(new ListEventSourceMappingsCommand({ MaxItems: 5 }));
    expect(listed.EventSourceMappings).toEqual([]);
    const filtered = await lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:f', EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s p' }),
    );
    expect(filtered.EventSourceMappings).toEqual([]);
    lambda.destroy();
  });

  it('refuses an SDK signature made with another secret with 401 in Lambda shape', async () => {
    const lambda = client('not-the-token');
    const error = await lambda.send(new ListEventSourceMappingsCommand({})).catch((e: unknown) => e);
    expect((error as Error).name).toBe('UnrecognizedClientException');
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(401);
    lambda.destroy();
  });

  it('accepts a Bearer token over plain HTTP and refuses a missing or wrong one', async () => {
    const path = `${sluice.url}/2015-03-31/event-source-mappings/`;
    const ok = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    for (const headers of [{}, { authorization: 'Bearer wrong-token-of-some-length' }, { authorization: `Basic ${token}` }] as Record<string, string>[]) {
      const refused = await fetch(path, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
      expect(await refused.json()).toMatchObject({ Type: 'User', Message: expect.stringContaining('Bearer') });
    }
    const functions = await fetch(`${sluice.url}/sluice/v1/functions`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(functions.status).toBe(401);
  });

  it('leaves the health probes open', async () => {
    expect((await fetch(`${sluice.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${sluice.url}/readyz`)).status).toBe(200);
  });
});
