import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseFunctionRef, type MappingStore } from '@sluice/shared';
import { invalidParameter } from '../errors/lambda-api-error.js';
import { invalidFunctionName } from '../functions/function-resolver.js';
import { createMappingRequest, sourceArn, updateMappingRequest } from '../esm/mapping-request-schemas.js';
import type { MappingService } from '../esm/mapping-service.js';
import { toMappingConfiguration, type ArnContext } from '../esm/mapping-wire.js';
import { parseRequest } from '../esm/validation-message.js';

export interface EventSourceMappingRoutesDeps {
  readonly service: MappingService;
  readonly store: MappingStore;
  readonly arns: ArnContext;
}

const PATH = '/2015-03-31/event-source-mappings';
/** Lambda pages at most 100 mappings whatever MaxItems says (aws-facts 1.1). */
const MAX_PAGE = 100;

const listQuery = z.object({
  EventSourceArn: sourceArn.optional(),
  FunctionName: z.string().min(1).max(256).optional(),
  Marker: z.string().optional(),
  MaxItems: z.coerce.number().int().min(1).max(10000).optional(),
});

/** Our markers are the last mapping's sequence number; Lambda's sentence for one it did not give is inferred. */
function checkMarker(marker: string | undefined): void {
  if (marker !== undefined && !/^\d+$/.test(marker)) throw invalidParameter('Invalid marker.', `the marker ${marker} did not come from a previous page`);
}

/**
 * Lambda's event-source-mapping API at its own paths, so the AWS SDK and CLI work unchanged.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (and Get, List, Update, Delete)
 */
export function eventSourceMappingRoutes(app: FastifyInstance, deps: EventSourceMappingRoutesDeps): void {
  const { service, store, arns } = deps;
  const wire = (m: Parameters<typeof toMappingConfiguration>[0]) => toMappingConfiguration(m, arns);

  app.post(PATH, async (request, reply) => {
    const mapping = await service.create(parseRequest(createMappingRequest, request.body));
    return reply.code(202).send(wire(mapping));
  });

  app.get(PATH, async (request) => {
    const query = parseRequest(listQuery, request.query);
    const functionName = query.FunctionName === undefined ? undefined : parseFunctionRef(query.FunctionName)?.name;
    if (query.FunctionName !== undefined && functionName === undefined) throw invalidFunctionName(query.FunctionName);
    checkMarker(query.Marker);
    const page = await store.list({
      ...(query.EventSourceArn === undefined ? {} : { eventSourceArn: query.EventSourceArn }),
      ...(functionName === undefined ? {} : { functionName }),
      ...(query.Marker === undefined ? {} : { marker: query.Marker }),
      limit: Math.min(query.MaxItems ?? MAX_PAGE, MAX_PAGE),
    });
    return {
      ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }),
      EventSourceMappings: page.mappings.map((m) => toMappingConfiguration(m, arns, { listing: true })),
    };
  });

  app.get<{ Params: { uuid: string } }>(`${PATH}/:uuid`, async (request) => wire(await service.get(request.params.uuid)));

  app.put<{ Params: { uuid: string } }>(`${PATH}/:uuid`, async (request, reply) => {
    const mapping = await service.update(request.params.uuid, parseRequest(updateMappingRequest, request.body));
    return reply.code(202).send(wire(mapping));
  });

  app.delete<{ Params: { uuid: string } }>(`${PATH}/:uuid`, async (request, reply) => {
    const mapping = await service.delete(request.params.uuid);
    return reply.code(202).send(wire(mapping));
  });
}
