import type { FastifyError, FastifyInstance } from 'fastify';
import type { FunctionStore } from '@sluice/shared';
import { LambdaApiError } from '../errors/lambda-api-error.js';
import { parseRequest } from '../esm/validation-message.js';
import type { FunctionResolver } from '../functions/function-resolver.js';
import { qualifiedFunctionName } from '../functions/qualified-function-name.js';
import { functionConfiguration, getFunctionResponse, listedConfiguration } from '../lambda-functions/function-configuration-wire.js';
import type { LambdaFunctionService } from '../lambda-functions/lambda-function-service.js';
import type { TagService } from '../tags/tag-service.js';
import {
  createFunctionRequest,
  listFunctionsQuery,
  putFunctionConcurrencyRequest,
  updateFunctionCodeRequest,
  updateFunctionConfigurationRequest,
} from '../lambda-functions/lambda-function-schemas.js';

export interface LambdaFunctionRoutesDeps {
  readonly service: LambdaFunctionService;
  readonly store: FunctionStore;
  readonly resolver: FunctionResolver;
  /** GetFunction answers with the function's tags. */
  readonly tags: TagService;
}

/**
 * The largest CreateFunction or UpdateFunctionCode body: a 50 MB .zip in base64, with room for the
 * rest (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), as Lambda's own
 * limit in LocalStack's reading of it.
 */
export const MAX_CODE_REQUEST_BYTES = 69_905_067;

/** Lambda pages ListFunctions by 50 at most, whatever MaxItems asks. */
const LIST_PAGE = 50;

interface Named {
  Params: { name: string };
  Querystring: { Qualifier?: string };
}

/**
 * Lambda's function API at Lambda's paths (botocore lambda/2015-03-31 service-2.json), so
 * `aws lambda create-function` and the SDK's commands work unchanged; it shows the same registry as
 * /sluice/v1/functions. The routes live in a scope whose bodies may carry a .zip.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html
 */
export function lambdaFunctionRoutes(app: FastifyInstance, deps: LambdaFunctionRoutesDeps): void {
  const { service, store, resolver, tags } = deps;
  const resolve = async (name: string, qualifier: string | undefined) => (await resolver.resolve(qualifiedFunctionName(name, nonEmpty(qualifier)))).definition;

  void app.register(async (scope) => {
    // A body over the limit is Lambda's 413, named for the operation; everything else goes to the API's handler.
    scope.setErrorHandler((error: FastifyError, request) => {
      if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error;
      const operation = request.method === 'POST' ? 'CreateFunction' : 'UpdateFunctionCode';
      throw new LambdaApiError('RequestTooLargeException', `Request must be smaller than ${MAX_CODE_REQUEST_BYTES} bytes for the ${operation} operation`, { cause: error });
    });

    scope.post('/2015-03-31/functions', { bodyLimit: MAX_CODE_REQUEST_BYTES }, async (request, reply) => {
      const fn = await service.create(parseRequest(createFunctionRequest, request.body));
      return reply.code(201).send(functionConfiguration(fn));
    });

    scope.get('/2015-03-31/functions', async (request) => {
      const query = parseRequest(listFunctionsQuery, request.query);
      const page = await store.list(query.Marker, Math.min(query.MaxItems ?? LIST_PAGE, LIST_PAGE));
      return { Functions: page.functions.map(listedConfiguration), ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }) };
    });

    scope.get<Named>('/2015-03-31/functions/:name', async (request) => {
      const fn = await resolve(request.params.name, request.query.Qualifier);
      return getFunctionResponse(fn, await tags.list(fn.arn));
    });

    scope.get<Named>('/2015-03-31/functions/:name/configuration', async (request) => functionConfiguration(await resolve(request.params.name, request.query.Qualifier)));

    scope.put<Named>('/2015-03-31/functions/:name/code', { bodyLimit: MAX_CODE_REQUEST_BYTES }, async (request) =>
      functionConfiguration(await service.updateCode(request.params.name, parseRequest(updateFunctionCodeRequest, request.body))),
    );

    scope.put<Named>('/2015-03-31/functions/:name/configuration', async (request) =>
      functionConfiguration(await service.updateConfiguration(request.params.name, parseRequest(updateFunctionConfigurationRequest, request.body))),
    );

    scope.delete<Named>('/2015-03-31/functions/:name', async (request, reply) => {
      await service.delete(qualifiedFunctionName(request.params.name, nonEmpty(request.query.Qualifier)));
      return reply.code(204).send();
    });

    scope.put<Named>('/2017-10-31/functions/:name/concurrency', async (request) => {
      const { ReservedConcurrentExecutions } = parseRequest(putFunctionConcurrencyRequest, request.body);
      const fn = await service.putConcurrency(request.params.name, ReservedConcurrentExecutions);
      return { ReservedConcurrentExecutions: fn.reservedConcurrentExecutions };
    });

    scope.get<Named>('/2019-09-30/functions/:name/concurrency', async (request) => {
      const fn = await resolve(request.params.name, undefined);
      return fn.reservedConcurrentExecutions === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrentExecutions };
    });

    scope.delete<Named>('/2017-10-31/functions/:name/concurrency', async (request, reply) => {
      await service.deleteConcurrency(request.params.name);
      return reply.code(204).send();
    });
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
