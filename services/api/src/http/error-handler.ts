import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LambdaApiError, type LambdaErrorType } from '../errors/lambda-api-error.js';
import { internalServiceError } from '../invoke/invoke-fault.js';

/** Fastify's own errors that reach us, mapped once to Lambda's names. */
const FASTIFY_ERRORS: Record<string, LambdaErrorType> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'RequestTooLargeException',
  // A path parameter that does not decode cannot be a valid UUID or function name.
  FST_ERR_BAD_URL: 'InvalidParameterValueException',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UnsupportedMediaTypeException',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'InvalidRequestContentException',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'InvalidRequestContentException',
  FST_ERR_CTP_INVALID_JSON_BODY: 'InvalidRequestContentException',
};

export function toLambdaApiError(error: unknown): LambdaApiError {
  if (error instanceof LambdaApiError) return error;
  const fastifyCode = (error as FastifyError | undefined)?.code;
  const mapped = fastifyCode === undefined ? undefined : FASTIFY_ERRORS[fastifyCode];
  if (mapped !== undefined) return new LambdaApiError(mapped, (error as Error).message, { cause: error });
  const status = (error as FastifyError | undefined)?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new LambdaApiError('InvalidRequestContentException', (error as Error).message, { cause: error });
  }
  return internalServiceError(error);
}

/** The body AWS sends, with Sluice's own diagnosis in a member of its own (never in Message). */
export function lambdaErrorBody(error: LambdaApiError): Record<string, string> {
  return { ...error.extra, Type: error.faultType, Message: error.message, ...(error.detail === undefined ? {} : { SluiceDetail: error.detail }) };
}

export function sendLambdaError(reply: FastifyReply, error: LambdaApiError): FastifyReply {
  return reply.code(error.status).header('x-amzn-ErrorType', error.errorType).type('application/json').send(lambdaErrorBody(error));
}

/** One error handler for the whole API: every failure leaves in Lambda's error shape. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toLambdaApiError(error);
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ errorType: apiError.errorType, message: apiError.message, detail: apiError.detail }, 'request refused');
    return sendLambdaError(reply, apiError);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    request.log.info({ method: request.method, path }, 'unknown operation');
    return sendLambdaError(reply, unknownOperation(`No operation matches ${request.method} ${path}`));
  });
}

/**
 * AWS's front door names an unknown path by the exception alone (UnknownOperationException, with no
 * sentence of its own: SDKs and the CLI show the name), so the name is the Message here; which
 * method and path matched nothing is Sluice's detail. Inferred: no recording of the body was found.
 */
export function unknownOperation(detail: string): LambdaApiError {
  return new LambdaApiError('UnknownOperationException', 'UnknownOperationException', { detail });
}
