import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createSluiceMetrics, openApiPath, registeredRoutes } from '@sluice/shared';
import { buildIngressApp, type IngressDeps } from '../../../../../services/ingress/src/app.js';
import { INGRESS_OPENAPI_PATH } from '../../../../../services/ingress/src/openapi/ingress-contract.js';

// The ingress built with its metrics, so its router holds every route it can serve; nothing behind
// the routes is called (inert dependencies, a Redis that never connects).
const inert = {} as never;
const deps: IngressDeps = {
  logger: createLogger({ level: 'silent' }),
  redis: new Redis({ lazyConnect: true }),
  bindings: inert,
  dispatcher: inert,
  verifier: inert,
  confirmer: inert,
  region: 'us-east-1',
  secret: 'push-secret',
  metrics: createSluiceMetrics(),
  metricsToken: 'api-token',
};

type Operation = { security: unknown[]; responses: Record<string, unknown> };
let app: FastifyInstance;
let document: { openapi: string; paths: Record<string, Record<string, Operation>> };

beforeAll(async () => {
  app = buildIngressApp(deps);
  await app.ready();
  // Open, with no credential at all: it holds no data (routes/openapi.ts).
  const response = await app.inject({ method: 'GET', url: INGRESS_OPENAPI_PATH });
  expect(response.statusCode).toBe(200);
  document = response.json();
});
afterAll(async () => {
  await app?.close();
  deps.redis.disconnect();
});

describe(`GET ${INGRESS_OPENAPI_PATH} (ingress)`, () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(document));

    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the router registered, and nothing else', () => {
    const routes = registeredRoutes(app).map((route) => `${route.method} ${openApiPath(route.url)}`);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));

    expect(routes).toEqual(expect.arrayContaining(['post /s3', 'post /sns', 'post /eventbridge']));
    expect([...documented].sort()).toEqual([...new Set(routes)].sort());
  });

  it('documents 400 and 503 for every push, and 401 where the ingress secret applies', () => {
    for (const path of ['/s3', '/sns', '/eventbridge']) {
      const statuses = Object.keys(document.paths[path]!.post!.responses);
      expect(statuses, path).toEqual(expect.arrayContaining(['400', '413', '415', '503']));
      expect(statuses.includes('401'), path).toBe(path !== '/sns');
    }
  });
});
