import { describe, expect, it } from 'vitest';
import { applyDevStackEnv, loadConfig } from '@sluice/shared';

const stack = { redisUrl: 'redis://127.0.0.1:6390', kinesisEndpoint: 'http://127.0.0.1:4568', motoEndpoint: 'http://127.0.0.1:5000' };

describe('applyDevStackEnv', () => {
  it('points every service the roles use at the embedded stack', () => {
    // Arrange
    const env: NodeJS.ProcessEnv = {};

    // Act
    applyDevStackEnv(stack, env);

    // Assert
    const config = loadConfig(env);
    expect(config).toMatchObject({
      REDIS_URL: { mode: 'single', url: 'redis://127.0.0.1:6390' },
      AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4568',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:5000',
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: 'http://127.0.0.1:5000',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:5000',
      AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:5000',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:5000',
    });
    expect(env).toMatchObject({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  });

  it("keeps the user's own credentials", () => {
    // Arrange
    const env: NodeJS.ProcessEnv = { AWS_ACCESS_KEY_ID: 'mine', AWS_SECRET_ACCESS_KEY: 'my-secret' };

    // Act
    applyDevStackEnv(stack, env);

    // Assert
    expect(env).toMatchObject({ AWS_ACCESS_KEY_ID: 'mine', AWS_SECRET_ACCESS_KEY: 'my-secret' });
  });

  it('sets no moto endpoints when moto was skipped', () => {
    // Arrange
    const env: NodeJS.ProcessEnv = {};

    // Act
    applyDevStackEnv({ redisUrl: stack.redisUrl, kinesisEndpoint: stack.kinesisEndpoint }, env);

    // Assert
    expect(Object.keys(env).filter((key) => key.startsWith('AWS_ENDPOINT_URL')).sort()).toEqual(['AWS_ENDPOINT_URL_KINESIS']);
  });
});
