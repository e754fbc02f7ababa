import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { functionArn, type FunctionDefinition, type FunctionStore, type InvokerConfig } from '@sluice/shared';
import { conflict, notFound } from '../errors/lambda-api-error.js';
import { createFunctionRequest, updateFunctionRequest, type InvokerInput } from '../functions/function-request-schemas.js';
import type { FunctionResolver } from '../functions/function-resolver.js';
import { functionInUseMessage } from '../functions/function-in-use-message.js';
import { toFunctionConfiguration } from '../functions/function-wire.js';
import type { ArnContext } from '../esm/mapping-wire.js';
import { parseRequest } from '../esm/validation-message.js';
import type { FunctionCodeStore } from '../lambda-functions/function-code-store.js';

export interface FunctionRoutesDeps {
  readonly store: FunctionStore;
  readonly resolver: FunctionResolver;
  readonly arns: ArnContext;
  /** Where CreateFunction unpacked code: a deleted function's goes with it. */
  readonly codes?: Pick<FunctionCodeStore, 'remove'>;
  readonly now?: () => number;
}

export const FUNCTIONS_PATH = '/sluice/v1/functions';

export const listRegistryFunctionsQuery = z.object({
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
      invoker: toInvokerConfig(req.Invoker),
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

  app.put<{ Params: { name: string } }>(`${FUNCTIONS_PATH}/:name`, async (request) => {
    const req = parseRequest(updateFunctionRequest, request.body);
    const { definition } = await resolver.resolve(request.params.name);
    const next: FunctionDefinition = {
      ...definition,
      ...(req.Description === undefined ? {} : { description: req.Description }),
      ...(req.Invoker === undefined ? {} : { invoker: toInvokerConfig(req.Invoker) }),
      ...(req.Timeout === undefined ? {} : { timeout: req.Timeout }),
      ...(req.MemorySize === undefined ? {} : { memorySize: req.MemorySize }),
      ...(req.ReservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: req.ReservedConcurrentExecutions }),
      lastModified: now(),
    };
    if (!(await store.update(next))) throw notFound(`Function not found: ${definition.arn}`);
    return toFunctionConfiguration(next);
  });

  app.get(FUNCTIONS_PATH, async (request) => {
    const query = parseRequest(listRegistryFunctionsQuery, request.query);
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
    if (result.outcome === 'missing') throw notFound(`Function not found: ${definition.arn}`);
    if (result.outcome === 'in-use') throw conflict(functionInUseMessage(definition.name, result.users));
    if (definition.code !== undefined) await deps.codes?.remove(definition.name);
    return reply.code(204).send();
  });
}

function toInvokerConfig(input: InvokerInput): InvokerConfig {
  switch (input.Type) {
    case 'http':
      return { type: 'http', url: input.Url };
    case 'lambda':
      return {
        type: 'lambda',
        functionName: input.FunctionName,
        ...(input.Qualifier === undefined ? {} : { qualifier: input.Qualifier }),
        ...(input.EndpointUrl === undefined ? {} : { endpointUrl: input.EndpointUrl }),
      };
    case 'node':
      return { type: 'node', module: input.Module, handler: input.Handler };
  }
}
