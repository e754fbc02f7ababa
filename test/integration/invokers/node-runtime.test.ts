import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type FunctionDefinition } from '@sluice/shared';
import { NodeRuntime } from '@sluice/invokers';
import { buildFunction } from '../../helpers/stream-batch-fixture.js';
import { waitFor } from '../../helpers/wait-for.js';

const functionsDir = fileURLToPath(new URL('../../fixtures/node-functions/', import.meta.url));

function nodeFunction(module: string, overrides: Partial<FunctionDefinition> = {}, handler = 'handler'): FunctionDefinition {
  return { ...buildFunction(`node-${module.replace(/\W/g, '')}`, { type: 'node', module, handler }), ...overrides };
}

// Real child processes: each execution environment is a Node process running a fixture module.
describe('NodeRuntime', () => {
  let runtime: NodeRuntime | undefined;
  const start = (idleMs = 60_000) => (runtime = new NodeRuntime({ functionsDir, idleMs, region: 'us-east-1' }));
  afterEach(() => runtime?.close());

  it('starts an environment on first use and reuses it warm: module state grows, context and TMPDIR as Lambda', async () => {
    const rt = start();
    const fn = nodeFunction('counter.mjs', { memorySize: 256 });

    const first = await rt.invoke({ fn, payload: '{"n":1}', requestId: 'req-1' });
    const second = await rt.invoke({ fn, payload: '{"n":2}', requestId: 'req-2' });

    const a = JSON.parse(first.payload) as Record<string, unknown>;
    const b = JSON.parse(second.payload) as Record<string, unknown>;
    expect(first.functionError).toBeUndefined();
    expect([a.count, b.count]).toEqual([1, 2]);
    expect(b.pid).toBe(a.pid);
    expect(a.context).toEqual({
      awsRequestId: 'req-1',
      functionName: fn.name,
      functionVersion: '$LATEST',
      memoryLimitInMB: '256',
      invokedFunctionArn: fn.arn,
      logGroupName: `/aws/lambda/${fn.name}`,
    });
    expect(a.remaining).toBeGreaterThan(2000);
    expect(a.remaining).toBeLessThanOrEqual(3000);
    expect(existsSync(a.tmpdir as string)).toBe(true);
    expect(first.logTail).toMatch(/Init Duration/);
    expect(second.logTail).not.toMatch(/Init Duration/);
  });

  it('captures console output per invocation in Lambda\'s format, with START, END and REPORT', async () => {
    const rt = start();
    const fn = nodeFunction('counter.mjs');

    const first = await rt.invoke({ fn, payload: '{"n":1}', requestId: 'req-a' });
    const second = await rt.invoke({ fn, payload: '{"n":2}', requestId: 'req-b' });

    expect(first.logTail).toMatch(/^START RequestId: req-a Version: \$LATEST\n/);
    expect(first.logTail).toMatch(/\tundefined\tINFO\tmodule loaded\n/);
    expect(first.logTail).toMatch(/\d{4}-\d\d-\d\dT[\d:.]+Z\treq-a\tINFO\tinvocation 1 \{"n":1\}\n/);
    expect(first.logTail).toMatch(/END RequestId: req-a\nREPORT RequestId: req-a\tDuration: [\d.]+ ms/);
    expect(second.logTail).toContain('invocation 2 {"n":2}');
    expect(second.logTail).not.toContain('invocation 1');
    expect(second.logTail).not.toContain('module loaded');
  });

  it('kills an environment that outlives its Timeout and reports "Task timed out"; the next call starts fresh', async () => {
    const rt = start();
    const fn = nodeFunction('sleep.mjs', { timeout: 1 });
    const warm = await rt.invoke({ fn, payload: '{"ms":1}', requestId: 'warm' });

    const started = Date.now();
    const result = await rt.invoke({ fn, payload: '{"ms":5000}', requestId: 'slow' });
    const after = await rt.invoke({ fn, payload: '{"ms":1}', requestId: 'after' });

    expect(Date.now() - started).toBeLessThan(4000);
    expect(result.functionError).toBe('Unhandled');
    expect(JSON.parse(result.payload)).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: slow Error: Task timed out after 1.00 seconds' });
    expect((JSON.parse(after.payload) as { pid: number }).pid).not.toBe((JSON.parse(warm.payload) as { pid: number }).pid);
  });

  it('ends an environment that exceeds its memory (MemorySize as the heap limit) with a runtime exit error', async () => {
    const rt = start();
    const fn = nodeFunction('oom.mjs', { memorySize: 128, timeout: 20 });

    const result = await rt.invoke({ fn, payload: '{}', requestId: 'big' });

    expect(result.functionError).toBe('Unhandled');
    const body = JSON.parse(result.payload) as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('Runtime.OutOfMemory');
    expect(body.errorMessage).toMatch(/^RequestId: big Error: Runtime exited with error: (signal: \w+|exit status \d+)/);
  }, 30_000);

  it('runs invocations one after the other with ReservedConcurrentExecutions 1', async () => {
    const rt = start();
    const fn = nodeFunction('sleep.mjs', { reservedConcurrentExecutions: 1 });

    const [a, b] = await Promise.all([
      rt.invoke({ fn, payload: '{"ms":300}', requestId: 'a' }),
      rt.invoke({ fn, payload: '{"ms":300}', requestId: 'b' }),
    ]);

    const [x, y] = [a, b].map((r) => JSON.parse(r.payload) as { pid: number; at: number });
    expect(x!.pid).toBe(y!.pid);
    expect(Math.abs(x!.at - y!.at)).toBeGreaterThanOrEqual(280);
  });

  it('throttles (InvokeTransport) an invocation that waits longer than its Timeout for a free environment', async () => {
    const rt = start();
    const fn = nodeFunction('sleep.mjs', { reservedConcurrentExecutions: 1, timeout: 1 });
    const busy = rt.invoke({ fn, payload: '{"ms":1500}', requestId: 'busy' });

    const error = await rt.invoke({ fn, payload: '{"ms":1}', requestId: 'waits' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: ErrorCode.InvokeTransport, retryable: true });
    await busy;
  });

  it('supports callback handlers, and shapes errors as Lambda\'s Node runtime does', async () => {
    const rt = start();

    const ok = await rt.invoke({ fn: nodeFunction('callback.mjs'), payload: '{"k":"v"}', requestId: 'cb' });
    const failed = await rt.invoke({ fn: nodeFunction('callback.mjs', { name: 'cb-fail' }, 'failing'), payload: '{}', requestId: 'cb2' });
    const thrown = await rt.invoke({ fn: nodeFunction('throws.mjs'), payload: '{}', requestId: 'th' });

    expect(JSON.parse(ok.payload)).toEqual({ via: 'callback', got: { k: 'v' } });
    expect(failed.functionError).toBe('Unhandled');
    expect(JSON.parse(failed.payload)).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    expect(thrown.functionError).toBe('Unhandled');
    const body = JSON.parse(thrown.payload) as { errorType: string; errorMessage: string; trace: string[] };
    expect(body).toMatchObject({ errorType: 'RangeError', errorMessage: 'out of range' });
    expect(body.trace[0]).toBe('RangeError: out of range');
    expect(body.trace[1]).toMatch(/throws\.mjs/);
  });

  it('reports a missing handler as Runtime.HandlerNotFound', async () => {
    const rt = start();

    const result = await rt.invoke({ fn: nodeFunction('throws.mjs', {}, 'nope'), payload: '{}', requestId: 'r' });

    expect(result.functionError).toBe('Unhandled');
    expect(JSON.parse(result.payload)).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'throws.nope is undefined or not exported' });
  });

  it('reaps idle environments and removes their scratch directory', async () => {
    const rt = start(200);
    const fn = nodeFunction('counter.mjs');
    const first = JSON.parse((await rt.invoke({ fn, payload: '{}', requestId: 'r1' })).payload) as { pid: number; tmpdir: string };

    await waitFor(() => !existsSync(first.tmpdir), { timeoutMs: 3000 });
    const second = JSON.parse((await rt.invoke({ fn, payload: '{}', requestId: 'r2' })).payload) as { pid: number; count: number };

    expect(second.pid).not.toBe(first.pid);
    expect(second.count).toBe(1);
  });
});

describe('NodeRuntime and SLUICE_FUNCTIONS_DIR', () => {
  // <root>/functions is SLUICE_FUNCTIONS_DIR; <root>/outside.mjs leaves a marker file when it is ever imported.
  const root = mkdtempSync(join(tmpdir(), 'sluice-fdir-'));
  const dir = join(root, 'functions');
  const marker = join(root, 'outside-ran');
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(root, 'outside.mjs'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport const handler = async () => 'outside';\n`);
  writeFileSync(join(dir, 'lib', 'inside.mjs'), `export const handler = async () => 'inside';\n`);
  symlinkSync(join(root, 'outside.mjs'), join(dir, 'link-out.mjs'));
  symlinkSync(root, join(dir, 'dir-out'));
  symlinkSync(join(dir, 'lib', 'inside.mjs'), join(dir, 'link-in.mjs'));
  let runtime: NodeRuntime | undefined;
  afterEach(() => runtime?.close());
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses, as a non-retryable InvokerUnavailable, a Module that leads out (.., absolute, a symbolic link out) and never imports it', async () => {
    runtime = new NodeRuntime({ functionsDir: dir, idleMs: 60_000, region: 'us-east-1' });

    for (const module of ['../outside.mjs', join(root, 'outside.mjs'), 'link-out.mjs', 'dir-out/outside.mjs', 'lib/../../outside.mjs']) {
      const error = await runtime.invoke({ fn: nodeFunction(module), payload: '{}', requestId: 'r' }).catch((e: unknown) => e);
      expect(error, module).toMatchObject({ code: ErrorCode.InvokerUnavailable, retryable: false, message: expect.stringContaining('outside SLUICE_FUNCTIONS_DIR') });
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('checks a Module that was missing again once it appears: a symbolic link out put there later is refused too', async () => {
    runtime = new NodeRuntime({ functionsDir: dir, idleMs: 60_000, region: 'us-east-1' });
    const fn = nodeFunction('later.mjs');

    const missing = await runtime.invoke({ fn, payload: '{}', requestId: 'r1' });
    symlinkSync(join(root, 'outside.mjs'), join(dir, 'later.mjs'));
    const error = await runtime.invoke({ fn, payload: '{}', requestId: 'r2' }).catch((e: unknown) => e);

    expect([missing.functionError, (JSON.parse(missing.payload) as { errorType: string }).errorType]).toEqual(['Unhandled', 'Runtime.ImportModuleError']);
    expect(error).toMatchObject({ code: ErrorCode.InvokerUnavailable, retryable: false });
    expect(existsSync(marker)).toBe(false);
  });

  it('runs a Module inside, also through a symbolic link that stays inside', async () => {
    runtime = new NodeRuntime({ functionsDir: dir, idleMs: 60_000, region: 'us-east-1' });

    for (const module of ['lib/inside.mjs', 'link-in.mjs', './lib/../lib/inside.mjs']) {
      expect((await runtime.invoke({ fn: nodeFunction(module), payload: '{}', requestId: 'r' })).payload, module).toBe('"inside"');
    }
  });
});
