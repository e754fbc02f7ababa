import type { z } from 'zod';

export type ContractMethod = 'get' | 'post' | 'put' | 'delete';

/** One answer an operation gives: a JSON body (its zod schema), another media type, or none (204). */
export interface ContractResponse {
  readonly description: string;
  /** The JSON body, as the server writes it. */
  readonly body?: z.ZodType;
  /** A body that is not JSON (Prometheus text): its media type. */
  readonly mediaType?: string;
  /** Response headers the answer always carries (the error type header of an error). */
  readonly headers?: Readonly<Record<string, { readonly description: string }>>;
  /**
   * Operations this answer leads to, by operationId, with their parameters taken from it
   * (`$response.body#/FunctionName`): OpenAPI links, which stateful fuzzers follow.
   * https://spec.openapis.org/oas/v3.1.0#link-object
   */
  readonly links?: Readonly<Record<string, { readonly operationId: string; readonly parameters: Readonly<Record<string, string>> }>>;
}

/**
 * One route of the contract, described by the zod schemas the route itself parses with: the
 * OpenAPI document (openapi-document.ts) is generated from these, so it cannot drift from what the
 * handlers accept.
 */
export interface ContractOperation {
  readonly method: ContractMethod;
  /** The route as Fastify registers it (`/sluice/v1/functions/:name`). */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly responses: Readonly<Record<number, ContractResponse>>;
  /** False for routes that answer without the credential (liveness and readiness probes). */
  readonly secured?: boolean;
}
