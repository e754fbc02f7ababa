import { describe, expect, it } from 'vitest';
import type { FunctionDefinition } from '@sluice/shared';
import { functionConfiguration, getFunctionResponse, listedConfiguration, revisionId } from '../../../../../services/api/src/lambda-functions/function-configuration-wire.js';
import { invokerForCode } from '../../../../../services/api/src/lambda-functions/lambda-handler.js';
import { buildFunction } from '../../../../helpers/stream-batch-fixture.js';

const LAST_MODIFIED = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

function lambdaMade(runtime = 'nodejs22.x'): FunctionDefinition {
  const code = { packageType: 'Zip' as const, runtime, handler: 'index.handler', role: 'arn:aws:iam::000000000000:role/r', codeSha256: 'c2hh', codeSize: 321, codeDir: 'lambda/orders/1', echoed: {} };
  return { ...buildFunction('orders', invokerForCode(code), 5, LAST_MODIFIED), environment: { A: '1' }, code };
}

describe("Lambda's FunctionConfiguration of a registry function", () => {
  it('a function made through CreateFunction: AWS members only, Active and Successful', () => {
    const fn = lambdaMade();
    expect(functionConfiguration(fn)).toEqual({
      Architectures: ['x86_64'],
      CodeSha256: 'c2hh',
      CodeSize: 321,
      Description: '',
      Environment: { Variables: { A: '1' } },
      EphemeralStorage: { Size: 512 },
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:orders',
      FunctionName: 'orders',
      Handler: 'index.handler',
      LastModified: '2026-01-02T03:04:05.678+0000',
      LastUpdateStatus: 'Successful',
      LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/orders' },
      MemorySize: 128,
      PackageType: 'Zip',
      RevisionId: revisionId(fn),
      Role: 'arn:aws:iam::000000000000:role/r',
      Runtime: 'nodejs22.x',
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      State: 'Active',
      Timeout: 5,
      TracingConfig: { Mode: 'PassThrough' },
      Version: '$LATEST',
    });
    expect(getFunctionResponse(fn).Code).toEqual({ RepositoryType: 'S3' });
  });

  it('a function Sluice cannot run says what to do, beside AWS members', () => {
    const config = functionConfiguration(lambdaMade('python3.12'));
    expect(config).toMatchObject({ Runtime: 'python3.12', State: 'Active', SluiceInvoker: { Type: 'none' } });
    expect(config.SluiceDetail).toContain('PUT /sluice/v1/functions/orders with {"Invoker":{"Type":"http","Url":"http://127.0.0.1:9000/2015-03-31/functions/function/invocations"}}');
  });

  it('a function registered with an http invoker: no code members, its invoker beside', () => {
    const fn = { ...buildFunction('hooks', { type: 'http', url: 'http://127.0.0.1:9/' }, 3, LAST_MODIFIED), reservedConcurrentExecutions: 2 };
    const config = functionConfiguration(fn);
    expect(config).toMatchObject({ FunctionName: 'hooks', CodeSize: 0, PackageType: 'Zip', State: 'Active', SluiceInvoker: { Type: 'http', Url: 'http://127.0.0.1:9/' } });
    expect(Object.keys(config)).not.toEqual(expect.arrayContaining(['Runtime']));
    expect(['Runtime', 'Handler', 'Role', 'CodeSha256'].filter((k) => k in config)).toEqual([]);
    expect(getFunctionResponse(fn)).toEqual({ Configuration: config, Concurrency: { ReservedConcurrentExecutions: 2 } });
  });

  it('ListFunctions leaves the state members out; the revision follows every change', () => {
    const fn = lambdaMade();
    expect(['State', 'LastUpdateStatus'].filter((k) => k in listedConfiguration(fn))).toEqual([]);
    expect(revisionId(fn)).toBe(revisionId({ ...fn }));
    expect(revisionId({ ...fn, timeout: 6 })).not.toBe(revisionId(fn));
    expect(revisionId(fn)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
