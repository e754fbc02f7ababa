import type { FastifyInstance } from 'fastify';
import type { S3BindingStore } from '@sluice/shared';
import { parseRequest } from '../esm/validation-message.js';
import { createS3BindingRequest, listS3BindingsQuery } from '../s3-bindings/s3-binding-request-schemas.js';
import type { S3BindingService } from '../s3-bindings/s3-binding-service.js';
import { toS3BindingWire } from '../s3-bindings/s3-binding-wire.js';

export const S3_BINDINGS_PATH = '/sluice/v1/s3-bindings';
const PAGE = 50;

export interface S3BindingRoutesDeps {
  readonly service: S3BindingService;
  readonly store: S3BindingStore;
}

/**
 * S3 bindings: which bucket events invoke which function, with S3's notification rules
 * (event types with wildcards, one prefix and one suffix rule, no overlaps for a common event type).
 * Errors use Lambda's shape, like the rest of this API.
 */
export function s3BindingRoutes(app: FastifyInstance, deps: S3BindingRoutesDeps): void {
  const { service, store } = deps;

  app.post(S3_BINDINGS_PATH, async (request, reply) => {
    const binding = await service.create(parseRequest(createS3BindingRequest, request.body));
    return reply.code(201).send(toS3BindingWire(binding));
  });

  app.get(S3_BINDINGS_PATH, async (request) => {
    const query = parseRequest(listS3BindingsQuery, request.query);
    const page = await store.list(query.Marker, query.MaxItems ?? PAGE);
    return { S3Bindings: page.bindings.map(toS3BindingWire), ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }) };
  });

  app.get<{ Params: { id: string } }>(`${S3_BINDINGS_PATH}/:id`, async (request) => toS3BindingWire(await service.get(request.params.id)));

  app.delete<{ Params: { id: string } }>(`${S3_BINDINGS_PATH}/:id`, async (request, reply) => {
    await service.delete(request.params.id);
    return reply.code(204).send();
  });
}
