import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@sluice/shared';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      REDIS_URL: { mode: 'single', url: 'redis://127.0.0.1:6379' },
      AWS_REGION: 'us-east-1',
      SLUICE_HOST: '127.0.0.1',
      SLUICE_PORT: 9070,
      SLUICE_REDIS_PREFIX: 'sluice',
      SLUICE_ACCOUNT_ID: '000000000000',
      SLUICE_MAX_FILTERS: 5,
      SLUICE_VALIDATE_SOURCES: true,
      // Lambda's cadence on an idle shard, and half of Kinesis's 5 reads a second per shard.
      SLUICE_POLL_INTERVAL_MS: 1000,
      SLUICE_SHARD_READS_PER_SECOND: 2.5,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the bad variable and its value', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ SLUICE_PORT: 'eighty' }, /^SLUICE_PORT="eighty": /],
      [{ SLUICE_PORT: '70000' }, /^SLUICE_PORT="70000": /],
      [{ REDIS_URL: 'http://x' }, /^REDIS_URL="http:\/\/x": must start with redis:\/\//],
      [{ AWS_ENDPOINT_URL_KINESIS: 'not a url' }, /^AWS_ENDPOINT_URL_KINESIS=/],
      [{ SLUICE_API_TOKEN: 'short' }, /^SLUICE_API_TOKEN="short": must be at least 8 characters/],
      [{ SLUICE_MAX_FILTERS: '11' }, /^SLUICE_MAX_FILTERS=/],
      [{ SLUICE_VALIDATE_SOURCES: 'maybe' }, /^SLUICE_VALIDATE_SOURCES=/],
      [{ SLUICE_SHARD_READS_PER_SECOND: '0' }, /^SLUICE_SHARD_READS_PER_SECOND=/],
    ];
    for (const [env, message] of cases) {
      const error = (() => {
        try {
          loadConfig(env);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
