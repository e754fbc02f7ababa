import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { uniqueName } from '../helpers/unique-name.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';

// SLUICE_API_TOKEN protects every management call and both ports' /metrics; the SDK authenticates
// by signing with the token as its secret key, plain HTTP (and Prometheus) with a Bearer header.
const stack = inject('stack');
const token = 'a-long-enough-test-token';
const prefix = uniqueName('e2e-token');
let sluice: SluiceProcess;
let ingress: SluiceProcess;

beforeAll(async () => {
  const env = { REDIS_URL: stack.redisUrl, SLUICE_REDIS_PREFIX: prefix, SLUICE_API_TOKEN: token };
  [sluice, ingress] = await Promise.all([
    startSluice({ env: { ...env, SLUICE_VALIDATE_SOURCES: 'false' } }),
    startSluice({ args: ['start', '--role', 'ingress'], env: { ...env, SLUICE_INGRESS_SECRET: 'the-push-secret' }, readyPattern: /Sluice ingress listening on (http:\/\/\S+)/ }),
  ]);
});

afterAll(async () => {
  await Promise.all([sluice?.stop(), ingress?.stop()]);
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

/**
 * Sends raw HTTP (headers and the start of a body that never comes) and resolves with what the
 * server answers before it closes the connection; rejects when it waits for the rest instead.
 */
function sendUnfinished(url: string, head: string, timeoutMs = 3000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms; got: ${JSON.stringify(answer)}`));
    }, timeoutMs);
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

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

  it('refuses a request without the token before reading its body', async () => {
    const malformed = await fetch(`${sluice.url}/sluice/v1/functions`, { method: 'POST', body: '{"FunctionName": ', headers: { 'content-type': 'application/json' } });
    expect([malformed.status, malformed.headers.get('x-amzn-errortype')]).toEqual([401, 'UnrecognizedClientException']);

    const head = (authorization: string) =>
      `POST /sluice/v1/functions HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\n${authorization}Content-Length: 1000000\r\n\r\n{"FunctionName":`;
    for (const authorization of ['', 'Authorization: Bearer wrong-token-of-some-length\r\n', 'Authorization: AWS4-HMAC-SHA256 Credential=x\r\n']) {
      const answer = await sendUnfinished(sluice.url, head(authorization));
      expect(answer, authorization).toMatch(/^HTTP\/1\.1 401 /);
      expect(answer).toMatch(/x-amzn-errortype: UnrecognizedClientException/i);
    }
  });

  it('serves /metrics on the API and ingress ports only to a Bearer token (what Prometheus sends)', async () => {
    for (const base of [sluice.url, ingress.url]) {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-of-some-length' }, { authorization: 'Bearer the-push-secret' }] as Record<string, string>[]) {
        const refused = await fetch(`${base}/metrics`, { headers });
        expect([base, refused.status, refused.headers.get('x-amzn-errortype')]).toEqual([base, 401, 'UnrecognizedClientException']);
      }
      const scraped = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(scraped.status).toBe(200);
      expect(scraped.headers.get('content-type')).toContain('text/plain');
      expect(await scraped.text()).toMatch(/^# TYPE sluice_/m);
    }
  });

  it('refuses an ingress push without the ingress secret before reading its body', async () => {
    for (const path of ['/s3', '/eventbridge']) {
      const refused = await fetch(`${ingress.url}${path}`, { method: 'POST', body: '{"Records": [', headers: { 'content-type': 'application/json' } });
      expect([path, refused.status, refused.headers.get('x-amzn-errortype')]).toEqual([path, 401, 'UnrecognizedClientException']);
    }
  });

  it('leaves the health probes open on both ports', async () => {
    for (const url of [`${sluice.url}/healthz`, `${sluice.url}/readyz`, `${sluice.url}/healthz/`, `${ingress.url}/healthz`, `${ingress.url}/readyz`]) {
      expect([url, (await fetch(url)).status]).toEqual([url, 200]);
    }
  });
});
