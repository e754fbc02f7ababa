import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ArnContext } from '../esm/mapping-wire.js';
import { parseRequest } from '../esm/validation-message.js';
import { eventInvokeConfigRequest, listEventInvokeConfigsQuery } from '../event-invoke-config/event-invoke-config-request.js';
import type { EventInvokeConfigService } from '../event-invoke-config/event-invoke-config-service.js';
import { toFunctionEventInvokeConfig } from '../event-invoke-config/event-invoke-config-wire.js';

export const EVENT_INVOKE_CONFIG_PATH = '/2019-09-25/functions/:name/event-invoke-config';

/** ListFunctionEventInvokeConfigs' default page size (its MaxItems maximum). */
const DEFAULT_PAGE = 50;

const qualifierQuery = z.strictObject({ Qualifier: z.string().optional() });

interface ConfigRoute {
  Params: { name: string };
}

/**
 * Lambda's event-invoke-config API (API version 2019-09-25): a function's asynchronous invocation
 * settings (retries, event age, destinations), which the worker applies to Event invocations.
 * https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html
 */
export function eventInvokeConfigRoutes(app: FastifyInstance, deps: { readonly service: EventInvokeConfigService; readonly arns: ArnContext }): void {
  const { service, arns } = deps;
  const qualifierOf = (query: unknown) => parseRequest(qualifierQuery, query).Qualifier || undefined;

  app.put<ConfigRoute>(EVENT_INVOKE_CONFIG_PATH, async (request) => {
    const config = await service.put(request.params.name, qualifierOf(request.query), parseRequest(eventInvokeConfigRequest, request.body));
    return toFunctionEventInvokeConfig(config, arns);
  });

  app.post<ConfigRoute>(EVENT_INVOKE_CONFIG_PATH, async (request) => {
    const config = await service.update(request.params.name, qualifierOf(request.query), parseRequest(eventInvokeConfigRequest, request.body));
    return toFunctionEventInvokeConfig(config, arns);
  });

  app.get<ConfigRoute>(EVENT_INVOKE_CONFIG_PATH, async (request) => {
    return toFunctionEventInvokeConfig(await service.get(request.params.name, qualifierOf(request.query)), arns);
  });

  app.delete<ConfigRoute>(EVENT_INVOKE_CONFIG_PATH, async (request, reply) => {
    await service.remove(request.params.name, qualifierOf(request.query));
    return reply.code(204).send();
  });

  app.get<ConfigRoute>(`${EVENT_INVOKE_CONFIG_PATH}/list`, async (request) => {
    const query = parseRequest(listEventInvokeConfigsQuery, request.query);
    const page = await service.list(request.params.name, query.Marker, query.MaxItems ?? DEFAULT_PAGE);
    return {
      FunctionEventInvokeConfigs: page.configs.map((c) => toFunctionEventInvokeConfig(c, arns)),
      ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }),
    };
  });
}
