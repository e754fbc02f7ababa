import type { FastifyReply, FastifyRequest } from 'fastify';
import { IngressError } from './ingress-error.js';
import { sameSecret } from './ingress-secret.js';

/**
 * The ingress's /metrics, when SLUICE_API_TOKEN is set, wants it as `Authorization: Bearer <token>`
 * like the API's /metrics: one credential for every scrape (Prometheus sends it from its scrape
 * config). Not SLUICE_INGRESS_SECRET: that one lets its holder push events, which a scraper must not.
 * Checked in onRequest, before anything else runs.
 */
export function requireMetricsToken(token: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const auth = request.headers.authorization;
    if (auth?.startsWith('Bearer ') && sameSecret(auth.slice('Bearer '.length), token)) return;
    reply.header('connection', 'close');
    throw new IngressError('UnrecognizedClientException', 'The metrics need the Sluice API token: Authorization: Bearer <SLUICE_API_TOKEN>.');
  };
}
