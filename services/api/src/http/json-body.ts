import type { FastifyInstance } from 'fastify';
import { JSON_TOO_DEEP, jsonDepthExceeds } from '@sluice/shared';
import { LambdaApiError } from '../errors/lambda-api-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as sent: SigV4 signs these bytes. */
    rawBody?: string;
  }
}

/**
 * JSON bodies, kept raw for signature checks; malformed JSON, or JSON nested deeper than
 * MAX_JSON_DEPTH, is InvalidRequestContentException ("The request body could not be parsed as
 * JSON", https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html), as Lambda answers it.
 * An empty body is an empty object (the SDK sends none for some calls).
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/x-amz-json-1.1', 'text/plain', 'binary/octet-stream'],
    { parseAs: 'string' },
    (request, body, done) => {
      const text = body as string;
      request.rawBody = text;
      if (text.trim() === '') return done(null, {});
      // Refused before it is parsed: every walk of a value this deep (validation, JSON.stringify) overflows the stack.
      if (jsonDepthExceeds(text)) return done(new LambdaApiError('InvalidRequestContentException', `Could not parse request body into json: ${JSON_TOO_DEEP}`), undefined);
      try {
        done(null, JSON.parse(text));
      } catch (error) {
        done(new LambdaApiError('InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`), undefined);
      }
    },
  );
}
