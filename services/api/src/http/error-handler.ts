import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LambdaApiError, type LambdaErrorType } from '../errors/lambda-api-error.js';

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
  return new LambdaApiError('ServiceException', 'An internal error occurred; see the Sluice logs for the request id.', {
    cause: error,
  });
}

export function sendLambdaError(reply: FastifyReply, error: LambdaApiError): FastifyReply {
  return reply
    .code(error.status)
    .header('x-amzn-ErrorType', error.errorType)
    .type('application/json')
    .send({ ...error.extra, Type: error.faultType, Message: error.message });
}

/** One error handler for the whole API: every failure leaves in Lambda's error shape. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toLambdaApiError(error);
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ errorType: apiError.errorType, message: apiError.message }, 'request refused');
    return sendLambdaError(reply, apiError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendLambdaError(
      reply,
      new LambdaApiError('UnknownOperationException', `No operation matches ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
