import type { FastifyInstance } from 'fastify';
import { documentRegistered, type RegisteredRoute } from '@sluice/shared';
import { API_OPERATIONS, OPENAPI_PATH } from '../openapi/api-contract.js';
import { API_CONTRACT_INFO } from '../openapi/api-contract-info.js';

/**
 * GET /sluice/v1/openapi.json: the OpenAPI 3.1 document of Sluice's own routes on this port,
 * generated from their zod schemas once, on the first request (every route is registered by then),
 * and needing the API token like its neighbours.
 */
export function openApiRoutes(app: FastifyInstance, deps: { readonly routes: readonly RegisteredRoute[] }): void {
  let document: string | undefined;
  app.get(OPENAPI_PATH, async (_request, reply) => {
    document ??= JSON.stringify(documentRegistered(API_CONTRACT_INFO, API_OPERATIONS, deps.routes));
    return reply.type('application/json').send(document);
  });
}
