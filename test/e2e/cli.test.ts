import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { SLUICE_BIN, startSluice } from '../helpers/sluice-process.js';
import { uniqueName } from '../helpers/unique-name.js';

const stack = inject('stack');
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function sluice(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [SLUICE_BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the sluice command', () => {
  it('prints its help and version', () => {
    const help = sluice(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: sluice <command>/);
    for (const word of ['dev', 'start', 'seed', '--role']) expect(help.stdout).toContain(word);
    expect(sluice(['--version'])).toMatchObject({ code: 0, stdout: `sluice ${version}\n` });
  });

  it('stops with exit code 2 and one line naming a bad variable', () => {
    const bad = sluice(['start', '--role', 'api'], { SLUICE_PORT: 'eighty' });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^sluice: configuration error: SLUICE_PORT="eighty": /);
  });

  it("refuses to run pollers and workers on a Redis an older build wrote (the older key layout), and says how to go on", async () => {
    const prefix = uniqueName('older-layout');
    const redis = new Redis(stack.redisUrl);
    await redis.sadd(`{${prefix}}:lease-keys:3f2a`, `{${prefix}}:lease:3f2a:arn:shardId-000000000000`);
    const env = { REDIS_URL: stack.redisUrl, SLUICE_REDIS_PREFIX: prefix, SLUICE_PORT: '0', SLUICE_INGRESS_PORT: '0' };

    const refused = sluice(['start', '--role', 'poller'], env);
    const api = await startSluice({ args: ['start', '--role', 'api'], env });
    await api.stop();

    expect(refused.code).toBe(1);
    expect(refused.stderr + refused.stdout).toContain(`Redis holds installation '${prefix}' in Sluice's older key layout (found {${prefix}}:lease-keys:3f2a)`);
    expect(await redis.exists(`{${prefix}}:key-layout`)).toBe(0);
    await deleteRedisPrefix(stack.redisUrl, prefix);
    redis.disconnect();
  });

  it('refuses unknown commands, roles and options with exit code 2', () => {
    expect(sluice(['launch']).code).toBe(2);
    expect(sluice(['start', '--role', 'everything']).stderr).toMatch(/unknown role "everything"/);
    expect(sluice(['start', '--colour']).code).toBe(2);
    expect(sluice([]).code).toBe(2);
  });

  it('runs the ingress role on its own, on SLUICE_INGRESS_PORT, and stops cleanly', async () => {
    expect(sluice(['--help']).stdout).toContain('ingress');
    const ingress = await startSluice({
      args: ['start', '--role', 'ingress'],
      env: { REDIS_URL: stack.redisUrl, SLUICE_REDIS_PREFIX: uniqueName('e2e-ingress') },
      readyPattern: /Sluice ingress listening on (http:\/\/\S+)/,
    });
    expect((await fetch(`${ingress.url}/readyz`)).status).toBe(200);
    const refused = await fetch(`${ingress.url}/s3`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'not json' });
    expect([refused.status, refused.headers.get('x-amzn-errortype')]).toEqual([400, 'InvalidRequestContentException']);
    expect(ingress.output()).not.toContain('Sluice API listening');
    expect(await ingress.stop()).toBe(0);
  });

  it('starts the API role and stops cleanly on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const running = await startSluice({ env: { REDIS_URL: stack.redisUrl, SLUICE_REDIS_PREFIX: uniqueName('e2e-cli') } });
      const health = await fetch(`${running.url}/healthz`);
      expect(health.status).toBe(200);
      expect(health.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await running.stop(signal)).toBe(0);
    }
  });

  it('writes structured JSON logs with a request id per request', async () => {
    const running = await startSluice({ env: { REDIS_URL: stack.redisUrl, SLUICE_REDIS_PREFIX: uniqueName('e2e-log'), SLUICE_LOG_LEVEL: 'info' } });
    const response = await fetch(`${running.url}/2015-03-31/event-source-mappings/`);
    const requestId = response.headers.get('x-amzn-requestid');
    await running.stop();
    const lines = running
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ofRequest = lines.filter((line) => line.reqId === requestId);
    expect(ofRequest.length).toBeGreaterThanOrEqual(2);
    expect(ofRequest[0]).toMatchObject({ level: 30, role: 'api', msg: 'incoming request' });
  });
});
