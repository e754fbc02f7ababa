import { describe, expect, it } from 'vitest';
import { sharedRefresh } from '../../../../../services/api/src/dashboard/shared-refresh.js';

describe('sharedRefresh', () => {
  it('builds once per interval however many callers, and builds again after it', async () => {
    let clock = 0;
    let builds = 0;
    const refresh = sharedRefresh(async () => ++builds, 500, () => clock);
    expect(await Promise.all([refresh(), refresh(), refresh()])).toEqual([1, 1, 1]);
    clock = 499;
    expect(await refresh()).toBe(1);
    clock = 500;
    expect(await refresh()).toBe(2);
  });

  it('does not keep a failed build', async () => {
    let fail = true;
    const refresh = sharedRefresh(async () => {
      if (fail) throw new Error('redis down');
      return 'ok';
    }, 60_000);
    await expect(refresh()).rejects.toThrow('redis down');
    fail = false;
    expect(await refresh()).toBe('ok');
  });
});
