import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { IngressError } from './ingress-error.js';

/** The header for senders that cannot set Authorization (any name works with EventBridge API destinations). */
export const SECRET_HEADER = 'x-sluice-ingress-secret';

/**
 * Direct S3 and EventBridge pushes prove they know SLUICE_INGRESS_SECRET, when it is set, with
 * `Authorization: Bearer <secret>` (what MinIO's webhook target sends for its auth_token) or
 * `X-Sluice-Ingress-Secret: <secret>`. SNS deliveries are authenticated by their signature instead.
 * The routes check it in onRequest: a push without the secret is refused before its body is read.
 */
export function checkIngressSecret(request: FastifyRequest, secret: string | undefined): void {
  if (secret === undefined) return;
  const header = request.headers[SECRET_HEADER];
  const auth = request.headers.authorization;
  const given = typeof header === 'string' ? header : auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
  if (given === undefined || !sameSecret(given, secret)) {
    throw new IngressError('UnrecognizedClientException', 'The ingress secret is missing or wrong (Authorization: Bearer <secret>, or X-Sluice-Ingress-Secret).');
  }
}

/** Compares in constant time, so the answer's timing tells nothing of the secret. */
export function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
