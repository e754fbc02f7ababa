import type { FastifyInstance } from 'fastify';
import { documentRegistered, type RegisteredRoute } from '@sluice/shared';
import { INGRESS_CONTRACT_INFO, INGRESS_OPENAPI_PATH, INGRESS_OPERATIONS } from '../openapi/ingress-contract.js';

/**
 * GET /openapi.json: the ingress's OpenAPI 3.1 document, generated from its zod schemas on the
 * first request. Open, like /healthz: it holds no data, and the senders of this port (S3 stores,
 * SNS, EventBridge) carry no API token.
 */
export function openApiRoute(app: FastifyInstance, deps: { readonly routes: readonly RegisteredRoute[] }): void {
  let document: string | undefined;
  app.get(INGRESS_OPENAPI_PATH, async (_request, reply) => {
    document ??= JSON.stringify(documentRegistered(INGRESS_CONTRACT_INFO, INGRESS_OPERATIONS, deps.routes));
    return reply.type('application/json').send(document);
  });
}
