import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LambdaApiError } from '../errors/lambda-api-error.js';
import { DASHBOARD_PAGE_ROUTES } from '../routes/dashboard.js';
import { parseSigV4Authorization, verifySigV4 } from './sigv4-verifier.js';

/**
 * Routes that answer without a token: liveness and readiness probes, which orchestrators send
 * bare, and the dashboard's static page, which asks for the token itself.
 */
const OPEN_ROUTES = new Set<string>(['/healthz', '/readyz', ...DASHBOARD_PAGE_ROUTES]);
const SIGV4 = 'AWS4-HMAC-SHA256 ';

/**
 * When SLUICE_API_TOKEN is set, every call but the probes and the dashboard's page (/metrics
 * included) must prove it knows the token, either as `Authorization: Bearer <token>` (curl, plain
 * HTTP, Prometheus, the dashboard) or by an AWS SigV4 signature made with the token as the secret
 * access key (the AWS SDK and CLI, unchanged).
 * Anything else is 401 in Lambda's error shape.
 *
 * A request without a credential, with a wrong Bearer token or with a malformed or stale SigV4
 * header is refused in onRequest, before its body is read (and the connection is closed, so the
 * body is not even drained). Only a SigV4 signature needs the body, which it signs: it is checked
 * in preHandler, once the body has been read under the API's body limit.
 */
export function installApiTokenAuth(app: FastifyInstance, token: string | undefined, now: () => number = Date.now): void {
  if (token === undefined) return;
  const expected = Buffer.from(`Bearer ${token}`);
  app.addHook('onRequest', async (request, reply) => {
    if (isOpen(request)) return;
    const authorization = request.headers.authorization ?? '';
    if (authorization.startsWith(SIGV4) ? parseSigV4Authorization(request.headers, now()) !== undefined : sameBearer(authorization, expected)) return;
    reply.header('connection', 'close');
    throw refusal();
  });
  app.addHook('preHandler', async (request) => {
    if (isOpen(request) || !(request.headers.authorization ?? '').startsWith(SIGV4)) return;
    const signed = { method: request.method, url: request.url, headers: request.headers, body: request.rawBody ?? '' };
    if (!(await verifySigV4(signed, token, now()))) throw refusal();
  });
}

/** By the matched route, not the raw URL (`/healthz/`, `/healthz?x` are the same route); a 404 needs the token too. */
function isOpen(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route !== undefined && OPEN_ROUTES.has(route);
}

function sameBearer(authorization: string, expected: Buffer): boolean {
  const given = Buffer.from(authorization);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function refusal(): LambdaApiError {
  return new LambdaApiError(
    'UnrecognizedClientException',
    'The request is not authorised: send the Sluice API token as "Authorization: Bearer <token>", or sign with it as the AWS secret access key.',
  );
}
