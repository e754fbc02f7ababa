import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installApiTokenAuth } from '../../../../../services/api/src/auth/api-token-auth.js';
import type { DashboardSnapshot } from '../../../../../services/api/src/dashboard/dashboard-wire.js';
import { installErrorHandling } from '../../../../../services/api/src/http/error-handler.js';
import { dashboardRoutes } from '../../../../../services/api/src/routes/dashboard.js';

// The dashboard's routes in-process (Fastify inject): the page and its files open, the live JSON
// behind the token; the browser test (test/e2e/dashboard.test.ts) drives them for real.
const SNAPSHOT: DashboardSnapshot = { Time: 1, Metrics: 'absent', Mappings: [] };
const ASSETS = new Map([
  ['index.html', { type: 'text/html; charset=utf-8', body: Buffer.from('<!doctype html><title>x</title>') }],
  ['app.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from('console.log(1)') }],
]);
let app: FastifyInstance;

function start(assets: typeof ASSETS | undefined, token?: string) {
  app = Fastify() as unknown as FastifyInstance;
  installErrorHandling(app);
  installApiTokenAuth(app, token);
  dashboardRoutes(app, { assets, snapshot: async () => SNAPSHOT });
  return app;
}
afterEach(() => app.close());

describe('dashboard routes', () => {
  it('serves the page and its files without the token, with a policy that allows nothing from elsewhere; the live JSON needs it', async () => {
    start(ASSETS, 'a-long-enough-token');
    const page = await app.inject({ url: '/dashboard' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect((await app.inject({ url: '/dashboard/' })).body).toBe(page.body);
    expect(await app.inject({ url: '/dashboard/app.js' })).toMatchObject({ statusCode: 200, body: 'console.log(1)' });
    expect(await app.inject({ url: '/dashboard/nope.js' })).toMatchObject({ statusCode: 404, headers: { 'x-amzn-errortype': 'ResourceNotFoundException' } });

    expect(await app.inject({ url: '/sluice/v1/dashboard' })).toMatchObject({ statusCode: 401, headers: { 'x-amzn-errortype': 'UnrecognizedClientException' } });
    const live = await app.inject({ url: '/sluice/v1/dashboard', headers: { authorization: 'Bearer a-long-enough-token' } });
    expect(live.statusCode).toBe(200);
    expect(live.headers['cache-control']).toBe('no-store');
    expect(live.json()).toEqual(SNAPSHOT);
  });

  it('says how to build the page when it was not built', async () => {
    start(undefined);
    const page = await app.inject({ url: '/dashboard' });
    expect(page.statusCode).toBe(404);
    expect(page.json()).toEqual({ Type: 'User', Message: 'The dashboard is not built: run `npm run build`.' });
  });
});
