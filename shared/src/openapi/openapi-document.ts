import { z } from 'zod';
import type { ContractOperation, ContractResponse } from './contract-operation.js';
import { routeKey, type RegisteredRoute } from './route-list.js';

/** What the document says of itself and how its secured operations authenticate. */
export interface ContractInfo {
  readonly title: string;
  readonly version: string;
  readonly description: string;
  /** OpenAPI security schemes by name; every secured operation accepts any one of them. */
  readonly securitySchemes?: Readonly<Record<string, Record<string, unknown>>>;
}

type JsonSchema = Record<string, unknown>;

/**
 * An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0) for the operations given, their
 * schemas converted by zod's own JSON Schema output (draft 2020-12, OpenAPI 3.1's dialect): request
 * schemas as the route accepts input, response schemas as the server writes output.
 * https://zod.dev/json-schema
 */
export function buildOpenApiDocument(info: ContractInfo, operations: readonly ContractOperation[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const path = openApiPath(operation.path);
    paths[path] = { ...paths[path], [operation.method]: operationObject(operation, info) };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    paths,
    ...(info.securitySchemes === undefined ? {} : { components: { securitySchemes: info.securitySchemes } }),
  };
}

/** Fastify's `:name` parameters in OpenAPI's `{name}` form. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operationObject(operation: ContractOperation, info: ContractInfo): Record<string, unknown> {
  const parameters = [...parametersOf(operation.params, 'path'), ...parametersOf(operation.query, 'query')];
  const schemes = Object.keys(info.securitySchemes ?? {});
  const secured = operation.secured !== false && schemes.length > 0;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description === undefined ? {} : { description: operation.description }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(operation.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(operation.body, 'input') } } } }),
    responses: Object.fromEntries(Object.entries(operation.responses).map(([status, response]) => [status, responseObject(response)])),
    // Secured operations accept any one scheme; an open one says so with an empty security list.
    security: secured ? schemes.map((name) => ({ [name]: [] })) : [],
  };
}

function parametersOf(schema: z.ZodObject | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  if (schema === undefined) return [];
  const object = jsonSchema(schema, 'input');
  const required = new Set((object.required as string[] | undefined) ?? []);
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    // Path parameters are always required (OpenAPI 3.1, Parameter Object).
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

function responseObject(response: ContractResponse): Record<string, unknown> {
  const content =
    response.body !== undefined
      ? { 'application/json': { schema: jsonSchema(response.body, 'output') } }
      : response.mediaType !== undefined
        ? { [response.mediaType]: { schema: { type: 'string' } } }
        : undefined;
  const headers =
    response.headers === undefined
      ? undefined
      : Object.fromEntries(Object.entries(response.headers).map(([name, header]) => [name, { description: header.description, required: true, schema: { type: 'string' } }]));
  return {
    description: response.description,
    ...(headers === undefined ? {} : { headers }),
    ...(content === undefined ? {} : { content }),
    ...(response.links === undefined ? {} : { links: response.links }),
  };
}

/**
 * A zod schema as JSON Schema without its `$schema` (OpenAPI 3.1's dialect is the default). What
 * JSON Schema cannot say (a refine, a transform) is left out: the document is then looser than the
 * route, never stricter.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/**
 * The document for what this process serves: the operations whose routes the router registered
 * (optional parts, such as the dead-letter store, are absent when not configured).
 */
export function documentRegistered(info: ContractInfo, operations: readonly ContractOperation[], routes: readonly RegisteredRoute[]): Record<string, unknown> {
  const registered = new Set(routes.map(routeKey));
  const served = operations.filter((operation) => registered.has(routeKey({ method: operation.method, url: operation.path })));
  const ids = new Set(served.map((operation) => operation.operationId));
  return buildOpenApiDocument(info, served.map((operation) => withLinksWithin(operation, ids)));
}

/** An operation whose answers link only to operations the document has. */
function withLinksWithin(operation: ContractOperation, ids: ReadonlySet<string>): ContractOperation {
  const responses = Object.fromEntries(
    Object.entries(operation.responses).map(([status, response]) => {
      if (response.links === undefined) return [status, response];
      const links = Object.fromEntries(Object.entries(response.links).filter(([, link]) => ids.has(link.operationId)));
      return [status, { ...response, links }];
    }),
  );
  return { ...operation, responses };
}
