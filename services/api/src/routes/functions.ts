import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { functionArn, type FunctionStore } from '@sluice/shared';
import { conflict, notFound } from '../errors/lambda-api-error.js';
import { createFunctionRequest } from '../functions/function-request-schemas.js';
import type { FunctionResolver } from '../functions/function-resolver.js';
import { toFunctionConfiguration } from '../functions/function-wire.js';
import type { ArnContext } from '../esm/mapping-wire.js';
import { parseRequest } from '../esm/validation-message.js';

export interface FunctionRoutesDeps {
  readonly store: FunctionStore;
  readonly resolver: FunctionResolver;
  readonly arns: ArnContext;
  readonly now?: () => number;
}

export const FUNCTIONS_PATH = '/sluice/v1/functions';

const listQuery = z.object({
  Marker: z.string().min(1).optional(),
  MaxItems: z.coerce.number().int().min(1).max(10000).optional(),
});

/**
 * Sluice's function registry: the functions mappings and invocations point at. Lambda's API
 * needs functions to exist; Sluice runs no code itself, so each function names its invoker.
 * Errors use Lambda's shape, and names resolve as Lambda's do (name, partial ARN or ARN).
 */
export function functionRoutes(app: FastifyInstance, deps: FunctionRoutesDeps): void {
  const { store, resolver, arns } = deps;
  const now = deps.now ?? Date.now;

  app.post(FUNCTIONS_PATH, async (request, reply) => {
    const req = parseRequest(createFunctionRequest, request.body);
    const arn = functionArn(arns.region, arns.account, req.FunctionName);
    const created = await store.create({
      name: req.FunctionName,
      arn,
      description: req.Description ?? '',
      invoker:
        req.Invoker.Type === 'http'
          ? { type: 'http', url: req.Invoker.Url }
          : req.Invoker.Type === 'lambda'
            ? {
                type: 'lambda',
                functionName: req.Invoker.FunctionName,
                ...(req.Invoker.Qualifier === undefined ? {} : { qualifier: req.Invoker.Qualifier }),
                ...(req.Invoker.EndpointUrl === undefined ? {} : { endpointUrl: req.Invoker.EndpointUrl }),
              }
            : { type: 'node', module: req.Invoker.Module, handler: req.Invoker.Handler },
      // Lambda's defaults: 3 s and 128 MB.
      timeout: req.Timeout ?? 3,
      memorySize: req.MemorySize ?? 128,
      ...(req.ReservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: req.ReservedConcurrentExecutions }),
      lastModified: now(),
    });
    if (!created) throw conflict(`Function already exist: ${req.FunctionName}`);
    const fn = await store.get(req.FunctionName);
    return reply.code(201).send(toFunctionConfiguration(fn!));
  });

  app.get(FUNCTIONS_PATH, async (request) => {
    const query = parseRequest(listQuery, request.query);
    const page = await store.list(query.Marker, Math.min(query.MaxItems ?? 50, 50));
    return {
      ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }),
      Functions: page.functions.map(toFunctionConfiguration),
    };
  });

  app.get<{ Params: { name: string } }>(`${FUNCTIONS_PATH}/:name`, async (request) => {
    const { definition } = await resolver.resolve(request.params.name);
    return toFunctionConfiguration(definition);
  });

  app.delete<{ Params: { name: string } }>(`${FUNCTIONS_PATH}/:name`, async (request, reply) => {
    const { definition } = await resolver.resolve(request.params.name);
    const result = await store.remove(definition.name);
    if (result === 'missing') throw notFound(`Function not found: ${definition.arn}`);
    if (result === 'in-use') {
      throw conflict(`Function ${definition.name} is used by an event source mapping; delete the mapping first.`);
    }
    return reply.code(204).send();
  });
}
