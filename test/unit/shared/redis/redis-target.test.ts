import { describe, expect, it } from 'vitest';
import { loadConfig, parseRedisTarget } from '@sluice/shared';

describe('parseRedisTarget', () => {
  it('leaves a redis:// or rediss:// URL to ioredis as one server', () => {
    expect(parseRedisTarget('redis://:pw@10.0.0.1:6380/2')).toEqual({ mode: 'single', url: 'redis://:pw@10.0.0.1:6380/2' });
    expect(parseRedisTarget('rediss://cache.example:6379')).toEqual({ mode: 'single', url: 'rediss://cache.example:6379' });
  });

  it('reads a cluster seed list, its credentials and TLS', () => {
    const url = 'rediss+cluster://app:p%40ss@h1:7000,h2:7001, h3';
    expect(parseRedisTarget(url)).toEqual({
      mode: 'cluster',
      url,
      nodes: [
        { host: 'h1', port: 7000 },
        { host: 'h2', port: 7001 },
        { host: 'h3', port: 6379 },
      ],
      tls: true,
      auth: { username: 'app', password: 'p@ss' },
    });
  });

  it('reads the Sentinels, the master name and the database', () => {
    expect(parseRedisTarget('redis+sentinel://:secret@s1:26379,s2/mymaster/3')).toEqual({
      mode: 'sentinel',
      url: 'redis+sentinel://:secret@s1:26379,s2/mymaster/3',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'mymaster',
      db: 3,
      tls: false,
      auth: { password: 'secret' },
    });
  });

  it.each([
    ['http://x', /must start with redis:\/\//],
    ['redis+cluster://h1:7000,h2:99999', /"h2:99999" is not host:port/],
    ['redis+cluster://h1:7000/0', /a Redis Cluster has no database number/],
    ['redis+sentinel://s1:26379', /names the master after the Sentinels/],
    ['redis+sentinel://s1/master/x', /names the master after the Sentinels/],
  ])('refuses %s', (url, reason) => {
    const target = parseRedisTarget(url);
    expect('error' in target && target.error).toMatch(reason);
  });

  it('is how loadConfig reads REDIS_URL, naming the variable when it is wrong', () => {
    expect(loadConfig({ REDIS_URL: 'redis+cluster://127.0.0.1:7000' }).REDIS_URL).toMatchObject({ mode: 'cluster', nodes: [{ host: '127.0.0.1', port: 7000 }] });
    expect(() => loadConfig({ REDIS_URL: 'redis+sentinel://s1' })).toThrow(/^REDIS_URL="redis\+sentinel:\/\/s1": names the master/);
  });
});
