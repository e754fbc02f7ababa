import { describe, expect, it } from 'vitest';
import { ConfigError, loadDevEnv } from '@sluice/shared';

describe('loadDevEnv', () => {
  it('gives the documented defaults for an empty environment', () => {
    // Act
    const devEnv = loadDevEnv({});

    // Assert
    expect(devEnv).toEqual({
      REDIS_URL: { mode: 'single', url: 'redis://127.0.0.1:6379' },
      SLUICE_DEV_KINESIS_PORT: 4568,
      SLUICE_DEV_KINESIS_TLS_PORT: 0,
      SLUICE_DEV_MOTO_PORT: 5000,
      SLUICE_DEV_VENV: '.venv',
      SLUICE_DEV_DEMO_FUNCTION_PORT: 9071,
      SLUICE_DEV_PRODUCER_INTERVAL_MS: 1000,
    });
    expect(Object.isFrozen(devEnv)).toBe(true);
  });

  it('reads ports and the interval from strings, as the environment holds them', () => {
    // Act
    const devEnv = loadDevEnv({ SLUICE_DEV_KINESIS_PORT: '14568', SLUICE_DEV_MOTO_PORT: '0', SLUICE_DEV_PRODUCER_INTERVAL_MS: '250' });

    // Assert
    expect(devEnv).toMatchObject({ SLUICE_DEV_KINESIS_PORT: 14568, SLUICE_DEV_MOTO_PORT: 0, SLUICE_DEV_PRODUCER_INTERVAL_MS: 250 });
  });

  it('throws a ConfigError naming the variable and its value', () => {
    // Act
    const attempt = () => loadDevEnv({ SLUICE_DEV_MOTO_PORT: '70000' });

    // Assert
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^SLUICE_DEV_MOTO_PORT="70000": /);
  });

  it('checks REDIS_URL as loadConfig does', () => {
    // Act
    const attempt = () => loadDevEnv({ REDIS_URL: 'http://127.0.0.1:6379' });

    // Assert
    expect(attempt).toThrow(/^REDIS_URL="http:\/\/127.0.0.1:6379": must start with redis:\/\//);
  });
});
