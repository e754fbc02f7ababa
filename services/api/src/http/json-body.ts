import type { FastifyInstance } from 'fastify';
import { LambdaApiError } from '../errors/lambda-api-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as sent: SigV4 signs these bytes. */
    rawBody?: string;
  }
}

/**
 * JSON bodies, kept raw for signature checks; malformed JSON is InvalidRequestContentException,
 * as Lambda answers it. An empty body is an empty object (the SDK sends none for some calls).
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
      try {
        done(null, JSON.parse(text));
      } catch (error) {
        done(new LambdaApiError('InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`), undefined);
      }
    },
  );
}
