import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { LambdaApiError } from '../errors/lambda-api-error.js';
import { verifySigV4 } from './sigv4-verifier.js';

/** Paths that answer without a token: probes and scrapers must work before anyone has one. */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * When SLUICE_API_TOKEN is set, every management call must prove it knows the token, either as
 * `Authorization: Bearer <token>` (curl, plain HTTP) or by an AWS SigV4 signature made with the
 * token as the secret access key (the AWS SDK and CLI, unchanged). Anything else is 401 in
 * Lambda's error shape.
 */
export function installApiTokenAuth(app: FastifyInstance, token: string | undefined, now: () => number = Date.now): void {
  if (token === undefined) return;
  const expected = Buffer.from(`Bearer ${token}`);
  // preHandler runs after the body is read: a SigV4 signature covers the body bytes.
  app.addHook('preHandler', async (request) => {
    if (OPEN_PATHS.has(request.url.split('?')[0]!)) return;
    const authorization = request.headers.authorization ?? '';
    if (authorization.startsWith('Bearer ')) {
      const given = Buffer.from(authorization);
      if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    } else if (authorization.startsWith('AWS4-HMAC-SHA256 ')) {
      const ok = await verifySigV4(
        { method: request.method, url: request.url, headers: request.headers, body: request.rawBody ?? '' },
        token,
        now(),
      );
      if (ok) return;
    }
    throw new LambdaApiError(
      'UnrecognizedClientException',
      'The request is not authorised: send the Sluice API token as "Authorization: Bearer <token>", or sign with it as the AWS secret access key.',
    );
  });
}
