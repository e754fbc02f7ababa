import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@sluice/shared';

describe('lease configuration', () => {
  it('defaults to KCL failover (10 s) and a 2 s taking round', () => {
    expect(loadConfig({})).toMatchObject({ SLUICE_LEASE_TTL_MS: 10_000, SLUICE_LEASE_TAKE_INTERVAL_MS: 2000 });
  });

  it('accepts a ttl down to 500 ms, so tests can fail over quickly', () => {
    expect(loadConfig({ SLUICE_LEASE_TTL_MS: '500' }).SLUICE_LEASE_TTL_MS).toBe(500);
    expect(() => loadConfig({ SLUICE_LEASE_TTL_MS: '499' })).toThrow(ConfigError);
    expect(() => loadConfig({ SLUICE_LEASE_TTL_MS: '499' })).toThrow(/^SLUICE_LEASE_TTL_MS="499": /);
    expect(() => loadConfig({ SLUICE_LEASE_TAKE_INTERVAL_MS: 'soon' })).toThrow(/^SLUICE_LEASE_TAKE_INTERVAL_MS="soon": /);
  });
});
