import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '@sluice/localstack';
import { startTestRedisServer, type TestRedisServer } from '../helpers/redis-server.js';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { createTestStream, kinesisClient } from '../helpers/kinesis-test-stream.js';
import { createStreamMapping, sluiceLambdaClient, waitForMappingState } from '../helpers/sluice-lambda.js';
import { flowEnv, registerHttpFunction, stackEnv, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// Sluice as an operator runs it, with its Redis taken away: a redis-server of this file's own
// (which keeps nothing on disk, like most first setups), killed and started again.

const stack = inject('stack');
const running: SluiceProcess[] = [];
let redis: TestRedisServer | undefined;

afterAll(async () => {
  await Promise.all(running.map((sluice) => sluice.stop()));
  await redis?.stop();
});

/** GET /readyz, timed; the abort only keeps a hang from stalling the test past its assertion. */
async function readyz(baseUrl: string): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: await response.json(), ms: performance.now() - started };
}

function linesWith(output: string, text: string): string[] {
  return output.split('\n').filter((line) => line.includes(text));
}

describe('Sluice while its Redis is down', () => {
  it('answers /readyz 503 within a second (api and ingress), logs the outage once and its end once, and warns once that the Redis keeps nothing', async () => {
    // Arrange: every role in one process, on a Redis without persistence.
    redis = await startTestRedisServer();
    const sluice = await startSluice({
      args: ['start', '--role', 'all'],
      env: { ...stackEnv(stack, uniqueName('e2e-outage')), REDIS_URL: redis.url, SLUICE_LOG_LEVEL: 'info' },
      readyPattern: /"apiUrl":"(http:[^"]+)".*"msg":"sluice started"/,
    });
    running.push(sluice);
    const apiUrl = sluice.url;
    const ingressUrl = /"ingressUrl":"(http:[^"]+)"/.exec(sluice.output())![1]!;
    await waitFor(() => sluice.output().includes('redis has no persistence'), { message: 'no persistence warning at boot' });

    // Act: Redis dies.
    await redis.kill();
    const [apiDown, ingressDown] = await Promise.all([readyz(apiUrl), readyz(ingressUrl)]);
    await sleep(1_500); // many reconnect attempts of every connection
    const outageOutput = sluice.output();
    await redis.start();
    const [apiUp, ingressUp] = await waitFor(
      async () => {
        const both = await Promise.all([readyz(apiUrl), readyz(ingressUrl)]);
        return both.every((answer) => answer.status === 200) ? both : undefined;
      },
      { timeoutMs: 15_000, message: '/readyz never answered 200 again' },
    );
    await waitFor(() => sluice.output().includes('"msg":"redis connection back"'), { message: 'no "redis connection back" line' });

    // Assert
    for (const answer of [apiDown, ingressDown]) {
      expect(answer).toMatchObject({ status: 503, body: { status: 'redis unavailable' } });
      expect(answer.ms).toBeLessThan(1_000);
    }
    expect([apiUp?.body, ingressUp?.body]).toEqual([{ status: 'ready' }, { status: 'ready' }]);
    const output = sluice.output();
    expect(linesWith(output, 'redis has no persistence')).toHaveLength(1);
    expect(linesWith(outageOutput, '"msg":"redis connection lost"')).toHaveLength(1);
    expect(linesWith(output, '"msg":"redis connection lost"')).toHaveLength(1);
    expect(linesWith(output, '"msg":"redis connection back"')).toHaveLength(1);
    // No flood: ioredis' "Unhandled error event", BullMQ's bare console.error, or a line per attempt.
    expect(output).not.toContain('Unhandled error event');
    expect(linesWith(output, 'ECONNREFUSED').filter((line) => !line.includes('"msg":"redis connection lost"'))).toEqual([]);
    expect(await sluice.stop()).toBe(0);
  });

  it('says once, at error level, that the registry vanished when Redis comes back empty, and reports no mapping deleted', async () => {
    // Arrange: every role on a Redis of its own without persistence, one Kinesis mapping running.
    const server = await startTestRedisServer();
    redis = server;
    const sluice = await startSluice({
      args: ['start', '--role', 'all'],
      env: { ...flowEnv(stack, uniqueName('e2e-vanish')), REDIS_URL: server.url, SLUICE_LOG_LEVEL: 'info' },
      readyPattern: /"apiUrl":"(http:[^"]+)".*"msg":"sluice started"/,
    });
    running.push(sluice);
    const kinesis = kinesisClient(stack.kinesisEndpoint);
    const streamArn = await createTestStream(kinesis, uniqueName('vanish'), 1);
    kinesis.destroy();
    expect(await registerHttpFunction(sluice.url, 'vanish-fn', 'http://127.0.0.1:9/')).toBe(201);
    const lambda = sluiceLambdaClient(sluice.url);
    const uuid = await createStreamMapping(lambda, 'vanish-fn', { EventSourceArn: streamArn });
    await waitForMappingState(lambda, uuid, 'Enabled');
    await waitFor(() => sluice.output().includes('"msg":"shard poller started"'), { message: 'the shard poller never started' });

    // Act: Redis restarts with nothing (no persistence).
    await server.kill();
    await server.start();

    // Assert
    await waitFor(() => sluice.output().includes('the registry vanished'), { timeoutMs: 20_000, message: () => `no "registry vanished" line:\n${sluice.output().slice(-3000)}` });
    await sleep(1_000);
    const vanished = linesWith(sluice.output(), 'the registry vanished');
    expect(vanished).toHaveLength(1);
    expect(JSON.parse(vanished[0]!)).toMatchObject({ level: 50, mappings: 1, runners: [uuid] });
    expect(linesWith(sluice.output(), '"msg":"mapping deleted')).toEqual([]);
    expect((await lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings).toEqual([]);
    lambda.destroy();
    expect(await sluice.stop()).toBe(0);
  });

  it('answers /readyz 503 within a second when Redis was never there (api and ingress pointed at a closed port)', async () => {
    // Arrange
    const closed = `redis://127.0.0.1:${await findFreePort()}`;
    const env = { REDIS_URL: closed, SLUICE_REDIS_PREFIX: uniqueName('e2e-no-redis') };
    const [api, ingress] = await Promise.all([
      startSluice({ env }),
      startSluice({ args: ['start', '--role', 'ingress'], env, readyPattern: /Sluice ingress listening on (http:\/\/\S+)/ }),
    ]);
    running.push(api, ingress);

    // Act
    const answers = await Promise.all([readyz(api.url), readyz(ingress.url)]);

    // Assert
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, body: { status: 'redis unavailable' } });
      expect(answer.ms).toBeLessThan(1_000);
    }
    for (const sluice of [api, ingress]) expect(sluice.output()).not.toContain('Unhandled error event');
  });
});
