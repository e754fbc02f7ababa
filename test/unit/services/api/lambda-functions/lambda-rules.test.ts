import { describe, expect, it } from 'vitest';
import { LambdaApiError } from '../../../../../services/api/src/errors/lambda-api-error.js';
import { checkEnvironment } from '../../../../../services/api/src/lambda-functions/environment-rules.js';
import { SUPPORTED_RUNTIMES, checkRuntime, runsLocally } from '../../../../../services/api/src/lambda-functions/lambda-runtimes.js';

function refusal(check: () => void): { type: string; message: string } {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(LambdaApiError);
    return { type: (error as LambdaApiError).errorType, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
}

describe('runtime rules', () => {
  it('takes the runtimes Lambda creates functions with; runs the Node.js ones itself', () => {
    for (const runtime of ['nodejs20.x', 'nodejs22.x', 'nodejs24.x', 'python3.12', 'java21', 'provided.al2023']) expect(() => checkRuntime(runtime)).not.toThrow();
    expect(['nodejs20.x', 'nodejs22.x', 'nodejs24.x'].every(runsLocally)).toBe(true);
    expect([undefined, 'python3.12', 'nodejs16.x', 'provided.al2023'].some(runsLocally)).toBe(false);
  });

  it("refuses a deprecated runtime in Lambda's sentence", () => {
    expect(refusal(() => checkRuntime('nodejs14.x'))).toEqual({
      type: 'InvalidParameterValueException',
      message: 'The runtime parameter of nodejs14.x is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (nodejs24.x) while creating or updating functions.',
    });
    expect(refusal(() => checkRuntime('python3.7')).message).toBe(
      'The runtime parameter of python3.7 is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.',
    );
  });

  it('refuses an unknown runtime with the enum it would take', () => {
    expect(refusal(() => checkRuntime('cobol85'))).toEqual({
      type: 'InvalidParameterValueException',
      message: `Value cobol85 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${SUPPORTED_RUNTIMES.join(', ')}] or be a valid ARN`,
    });
  });
});

describe('environment rules', () => {
  it('refuses reserved keys, named in the order given', () => {
    expect(refusal(() => checkEnvironment({ A: '1', AWS_REGION: 'x', LAMBDA_TASK_ROOT: '/', AWS_ACCESS_KEY_ID: 'k' }))).toEqual({
      type: 'InvalidParameterValueException',
      message:
        'Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION, LAMBDA_TASK_ROOT, AWS_ACCESS_KEY_ID',
    });
  });

  it('refuses more than 4 KB of variables, measured as compact JSON', () => {
    expect(() => checkEnvironment({ BIG: 'x'.repeat(4086) })).not.toThrow();
    const big = { BIG: 'x'.repeat(4087) };
    expect(refusal(() => checkEnvironment(big)).message).toBe(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${JSON.stringify(big)}`,
    );
  });
});
