import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { redisAnswers } from '@sluice/shared';

/** Liveness, and readiness once Redis answers (the queue and the bindings live there). */
export function healthRoutes(app: FastifyInstance, deps: { redis: Redis }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (await redisAnswers(deps.redis)) return { status: 'ready' };
    return reply.code(503).send({ status: 'redis unavailable' });
  });
}
