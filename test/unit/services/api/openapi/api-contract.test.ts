import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createSluiceMetrics, openApiPath, registeredRoutes, routeKey } from '@sluice/shared';
import { buildApp, type ApiDeps } from '../../../../../services/api/src/app.js';
import { OPENAPI_PATH } from '../../../../../services/api/src/openapi/api-contract.js';

// The API built with every optional part, so its router holds every route it can serve. Nothing
// behind the routes is called: the stores are inert objects and the Redis never connects
// (lazyConnect); the test reads the router's route list and fetches the document through it.
const inert = {} as never;
const deps: ApiDeps = {
  logger: createLogger({ level: 'silent' }),
  redis: new Redis({ lazyConnect: true }),
  mappings: inert,
  functions: inert,
  tags: inert,
  sources: inert,
  arns: { region: 'us-east-1', account: '000000000000' },
  limits: inert,
  settleMs: 0,
  bodyLimitBytes: 1024 * 1024,
  metrics: createSluiceMetrics(),
  deadLetters: { store: inert, enqueueReplay: async () => undefined },
  s3Bindings: { store: inert },
  invoke: { invoker: inert, enqueue: inert, concurrency: inert, cachedFunctions: inert },
  lambdaFunctions: { codes: inert, s3: inert },
  eventInvokeConfigs: inert,
  dashboard: { assets: undefined, leases: inert },
};

/** Lambda's own paths (AWS's model for Lambda documents them) and the dashboard's static page are not Sluice's API. */
const lambdaOrPage = (url: string) => /^\/20\d\d-\d\d-\d\d\//.test(url) || url === '/dashboard' || url.startsWith('/dashboard/');

type Operation = { security: unknown[]; responses: Record<string, { content?: Record<string, unknown> }> };
let app: FastifyInstance;
let document: { openapi: string; paths: Record<string, Record<string, Operation>> };

beforeAll(async () => {
  app = buildApp(deps);
  await app.ready();
  const response = await app.inject({ method: 'GET', url: OPENAPI_PATH });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  document = response.json();
});
afterAll(async () => {
  await app?.close();
  deps.redis.disconnect();
});

const documented = () => Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));

describe(`GET ${OPENAPI_PATH}`, () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(document));

    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it("documents every route the router registered, except Lambda's own and the dashboard page, and nothing else", () => {
    const own = registeredRoutes(app)
      .filter((route) => !lambdaOrPage(route.url))
      .map((route) => `${route.method} ${openApiPath(route.url)}`);

    expect(own.length).toBeGreaterThan(15);
    expect([...documented()].sort()).toEqual([...new Set(own)].sort());
  });

  it('answers every operation with JSON error shapes beside its success, and secures all but the probes', () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const key = routeKey({ method, url: path });
        const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400 && Number(status) < 500);
        if (path === '/healthz' || path === '/readyz') {
          expect(operation.security, key).toEqual([]);
          continue;
        }
        expect(operation.security, key).toEqual([{ apiToken: [] }]);
        expect(errors.map(([status]) => status), key).toContain('401');
        for (const [status, response] of errors) expect(Object.keys(response.content ?? {}), `${key} ${status}`).toEqual(['application/json']);
      }
    }
  });

  it('omits the operations of parts this API was built without', async () => {
    const bare = buildApp({ ...deps, deadLetters: undefined, s3Bindings: undefined, dashboard: undefined });
    try {
      const paths = Object.keys((await bare.inject({ method: 'GET', url: OPENAPI_PATH })).json<{ paths: object }>().paths);

      expect(paths).toContain('/sluice/v1/functions');
      expect(paths.filter((path) => /dead-letters|s3-bindings|dashboard/.test(path))).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});
