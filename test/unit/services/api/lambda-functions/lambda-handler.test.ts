import { describe, expect, it } from 'vitest';
import type { FunctionCode } from '@sluice/shared';
import { invokerForCode, nodeInvokerFor } from '../../../../../services/api/src/lambda-functions/lambda-handler.js';

const zip = (overrides: Partial<FunctionCode>): FunctionCode => ({
  packageType: 'Zip',
  runtime: 'nodejs22.x',
  handler: 'index.handler',
  role: 'arn:aws:iam::000000000000:role/r',
  codeSha256: 'x',
  codeSize: 1,
  codeDir: 'lambda/f/1',
  echoed: {},
  ...overrides,
});

describe("Lambda's Node handler string as a node invoker", () => {
  it.each([
    ['index.handler', 'lambda/f/1/index', 'handler'],
    ['src/app.main', 'lambda/f/1/src/app', 'main'],
    ['index.api.handler', 'lambda/f/1/index', 'api.handler'],
    ['lib/v1.2/index.handler', 'lambda/f/1/lib/v1.2/index', 'handler'],
  ])('%s runs %s, export %s', (handler, module, exported) => {
    expect(nodeInvokerFor('lambda/f/1', handler)).toEqual({ type: 'node', module, handler: exported });
  });

  it.each(['index', 'index.', '.handler', '../outside.handler', 'src/../../x.handler', '/etc/x.handler'])('%s is malformed: an empty export (Runtime.MalformedHandlerName at invoke)', (handler) => {
    expect(nodeInvokerFor('lambda/f/1', handler)).toEqual({ type: 'node', module: 'lambda/f/1/index', handler: '' });
  });

  it('a Node.js .zip runs locally; another runtime or an image has no invoker', () => {
    expect(invokerForCode(zip({}))).toEqual({ type: 'node', module: 'lambda/f/1/index', handler: 'handler' });
    expect(invokerForCode(zip({ runtime: 'python3.12' }))).toEqual({ type: 'none' });
    expect(invokerForCode(zip({ runtime: 'nodejs16.x' }))).toEqual({ type: 'none' });
    expect(invokerForCode({ ...zip({}), packageType: 'Image', imageUri: 'repo/img:1' })).toEqual({ type: 'none' });
  });
});
