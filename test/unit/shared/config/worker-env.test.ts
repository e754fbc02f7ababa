import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@sluice/shared';

describe('worker configuration', () => {
  it("defaults to 50 concurrent batches, retries from 1 s up to 60 s, and a 10 s lock (the lease's length)", () => {
    expect(loadConfig({})).toMatchObject({
      SLUICE_WORKER_CONCURRENCY: 50,
      SLUICE_RETRY_BASE_MS: 1000,
      SLUICE_RETRY_MAX_MS: 60_000,
      SLUICE_WORKER_LOCK_MS: 10_000,
    });
  });

  it('reads overrides and refuses values out of range, naming the variable', () => {
    expect(loadConfig({ SLUICE_WORKER_CONCURRENCY: '5', SLUICE_RETRY_BASE_MS: '20', SLUICE_WORKER_LOCK_MS: '1000' })).toMatchObject({
      SLUICE_WORKER_CONCURRENCY: 5,
      SLUICE_RETRY_BASE_MS: 20,
      SLUICE_WORKER_LOCK_MS: 1000,
    });
    for (const [name, value] of [
      ['SLUICE_WORKER_CONCURRENCY', '0'],
      ['SLUICE_RETRY_BASE_MS', 'soon'],
      ['SLUICE_RETRY_MAX_MS', '0'],
      ['SLUICE_WORKER_LOCK_MS', '10'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), name).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value }), name).toThrow(new RegExp(`^${name}=`));
    }
  });
});
