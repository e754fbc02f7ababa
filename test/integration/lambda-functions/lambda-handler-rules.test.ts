import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FunctionCode, FunctionDefinition } from '@sluice/shared';
import { NodeRuntime } from '@sluice/invokers';
import { FunctionCodeStore } from '../../../services/api/src/lambda-functions/function-code-store.js';
import { invokerForCode } from '../../../services/api/src/lambda-functions/lambda-handler.js';
import { buildFunction } from '../../helpers/stream-batch-fixture.js';

// Lambda's Node handler rules, end to end below the API: a .zip unpacked by the store CreateFunction
// uses, run by the local Node runtime from the invoker its Handler gives. The functions directory
// lies inside a package of "type":"module", so a CommonJS index.js only loads as CommonJS if the
// store's package boundary holds, as in Lambda's /var/task.
const scratch = mkdtempSync(join(tmpdir(), 'sluice-handlers-'));
writeFileSync(join(scratch, 'package.json'), '{"type":"module"}');
const functionsDir = join(scratch, 'functions');
mkdirSync(functionsDir);
const store = new FunctionCodeStore(functionsDir);
let runtime: NodeRuntime | undefined;
afterEach(() => {
  runtime?.close();
  runtime = undefined;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const REPORT = 'return { cwd: process.cwd(), root: process.env.LAMBDA_TASK_ROOT, handler: process.env._HANDLER, greeting: process.env.GREETING, region: process.env.AWS_REGION, event };';

/** A function made from `files` with `handler`, as CreateFunction makes one. */
async function lambdaFunction(name: string, files: Record<string, string>, handler: string, lastModified = Date.now()): Promise<FunctionDefinition> {
  const archive = zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [path, strToU8(text)])));
  const codeDir = await store.unpack(name, Buffer.from(archive));
  const code: FunctionCode = { packageType: 'Zip', runtime: 'nodejs22.x', handler, role: 'arn:aws:iam::000000000000:role/r', codeSha256: 'x', codeSize: archive.length, codeDir, echoed: {} };
  // The region is Sluice's own and stays so: the function's own variables cannot override reserved ones.
  return { ...buildFunction(name, invokerForCode(code), 5, lastModified), environment: { GREETING: 'hello', AWS_REGION: 'xx-none-1' }, code };
}

async function invoke(fn: FunctionDefinition, event: unknown = { n: 1 }) {
  runtime ??= new NodeRuntime({ functionsDir, idleMs: 60_000, region: 'us-east-1' });
  const result = await runtime.invoke({ fn, payload: JSON.stringify(event), requestId: 'req-1' });
  return { ...result, body: JSON.parse(result.payload) as Record<string, unknown> };
}

describe("Lambda's Node handler rules", () => {
  it('index.handler in CommonJS index.js: runs in its code folder with its Environment and Lambda variables', async () => {
    const fn = await lambdaFunction('cjs', { 'index.js': `exports.handler = async (event) => { ${REPORT} };` }, 'index.handler');

    const { functionError, body } = await invoke(fn);

    const root = join(functionsDir, fn.code!.codeDir!);
    expect(functionError).toBeUndefined();
    expect(body).toEqual({ cwd: root, root, handler: 'index.handler', greeting: 'hello', region: 'us-east-1', event: { n: 1 } });
  });

  it.each([
    ['ESM index.mjs', { 'index.mjs': `export const handler = async (event) => { ${REPORT} };` }, 'index.handler'],
    ['ESM index.js under the code\'s own "type":"module"', { 'package.json': '{"type":"module"}', 'index.js': `export const handler = async (event) => { ${REPORT} };` }, 'index.handler'],
    ['CommonJS index.cjs, module.exports', { 'index.cjs': `module.exports = { handler: async (event) => { ${REPORT} } };` }, 'index.handler'],
    ['a nested export', { 'index.mjs': `export const api = { v1: async (event) => { ${REPORT} } };` }, 'index.api.v1'],
    ['a module in a folder', { 'src/app.js': `exports.main = async (event) => { ${REPORT} };` }, 'src/app.main'],
  ])('%s', async (_what, files, handler) => {
    const { functionError, body } = await invoke(await lambdaFunction('forms', files, handler));

    expect(functionError).toBeUndefined();
    expect(body).toMatchObject({ handler, greeting: 'hello', event: { n: 1 } });
  });

  it.each([
    ['no file for the module', { 'app.js': 'exports.handler = 1;' }, 'index.handler', 'Runtime.ImportModuleError', "Error: Cannot find module 'index'\nRequire stack:\n- /var/runtime/index.mjs"],
    ['no such export', { 'index.mjs': 'export const other = () => 1;' }, 'index.handler', 'Runtime.HandlerNotFound', 'index.handler is undefined or not exported'],
    ['an export that is no function', { 'index.js': 'exports.handler = 42;' }, 'index.handler', 'Runtime.HandlerNotFound', 'index.handler is not a function'],
    ['a handler without an export', { 'index.js': 'exports.handler = () => 1;' }, 'index', 'Runtime.MalformedHandlerName', 'Bad handler'],
  ])("%s: Lambda's error at invoke", async (_what, files, handler, errorType, errorMessage) => {
    const { functionError, body } = await invoke(await lambdaFunction('broken', files, handler));

    expect(functionError).toBe('Unhandled');
    expect(body).toEqual({ errorType, errorMessage, trace: [] });
  });

  it('new code (a new definition) runs in new environments: the old code never answers again', async () => {
    const v1 = await lambdaFunction('updated', { 'index.js': 'let n = 0; exports.handler = async () => `v1 ${++n}`;' }, 'index.handler', 1000);
    expect((await invoke(v1)).payload).toBe('"v1 1"');
    expect((await invoke(v1)).payload).toBe('"v1 2"');
    const v2 = await lambdaFunction('updated', { 'index.mjs': 'export const handler = async () => "v2";' }, 'index.handler', 2000);

    expect((await invoke(v2)).payload).toBe('"v2"');
    expect((await invoke(v2)).payload).toBe('"v2"');
  });
});
