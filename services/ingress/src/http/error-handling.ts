import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { JSON_TOO_DEEP, internalFault, jsonDepthExceeds, type SluiceMetrics } from '@sluice/shared';
import { IngressError } from './ingress-error.js';

const FASTIFY_ERRORS: Record<string, IngressError['errorType']> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'RequestTooLargeException',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UnsupportedMediaTypeException',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'InvalidRequestContentException',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'InvalidRequestContentException',
};

function toIngressError(error: unknown): IngressError {
  if (error instanceof IngressError) return error;
  const code = (error as FastifyError | undefined)?.code;
  const mapped = code === undefined ? undefined : FASTIFY_ERRORS[code];
  if (mapped !== undefined) return new IngressError(mapped, (error as Error).message, { cause: error });
  const status = (error as FastifyError | undefined)?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return new IngressError('InvalidRequestContentException', (error as Error).message);
  // Only a transient fault (Redis or the queue unavailable) is a 503, which SNS and S3-compatible
  // senders retry; anything else would fail the same way on every retry, so it is a 500 (logged
  // as ours). Input that can never succeed is refused with a 4xx before it gets this far.
  if (internalFault(error).retryable) return new IngressError('ServiceUnavailableException', 'The notification could not be queued; retry.', { cause: error });
  return new IngressError('ServiceException', 'An internal error occurred; see the Sluice logs for the request id.', { cause: error });
}

function send(reply: FastifyReply, error: IngressError): FastifyReply {
  return reply
    .code(error.status)
    .header('x-amzn-ErrorType', error.errorType)
    .type('application/json')
    .send({ Type: error.status >= 500 ? 'Service' : 'User', Message: error.message });
}

const PUSH_FORMS = new Set(['s3', 'sns', 'eventbridge']);

/** Every ingress failure leaves in one shape; ours (5xx) are logged with their cause, refusals at info. */
export function installIngressErrorHandling(app: FastifyInstance, metrics?: Pick<SluiceMetrics, 's3PushesRefused'>): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const ingressError = toIngressError(error);
    const form = request.url.split('?')[0]!.replace(/^\//, '');
    // Pushes only: a refused scrape of /metrics is not a refused push.
    if (PUSH_FORMS.has(form)) metrics?.s3PushesRefused.inc({ form, error: ingressError.errorType });
    if (ingressError.status >= 500) request.log.error({ err: error }, 'push failed');
    else request.log.info({ errorType: ingressError.errorType, message: ingressError.message }, 'push refused');
    return send(reply, ingressError);
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, new IngressError('InvalidRequestContentException', `No ingress endpoint at ${request.method} ${request.url.split('?')[0]}; use POST /s3, /sns or /eventbridge.`)),
  );
}

/**
 * Bodies arrive as JSON under several content types (SNS posts text/plain); all are parsed the same
 * way. JSON nested deeper than MAX_JSON_DEPTH is refused before it is parsed: it could never be
 * queued (JSON.stringify of it overflows the stack), so a 400 tells the sender not to retry.
 */
export function installJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    if (jsonDepthExceeds(body as string)) return done(new IngressError('InvalidRequestContentException', `The body is ${JSON_TOO_DEEP}.`), undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(new IngressError('InvalidRequestContentException', `The body is not JSON: ${(error as Error).message}`), undefined);
    }
  });
}
