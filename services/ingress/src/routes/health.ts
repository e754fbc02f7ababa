import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { redisAnswers } from '@sluice/shared';

/** A readiness probe answers well inside a prober's usual 1 s timeout, whatever Redis does. */
const READY_TIMEOUT_MS = 500;

/** Liveness, and readiness once Redis answers (the queue and the bindings live there). */
export function healthRoutes(app: FastifyInstance, deps: { redis: Redis }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (await redisAnswers(deps.redis, READY_TIMEOUT_MS)) return { status: 'ready' };
    return reply.code(503).send({ status: 'redis unavailable' });
  });
}
