import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';

/** Liveness, and readiness once Redis answers (the queue and the bindings live there). */
export function healthRoutes(app: FastifyInstance, deps: { redis: Redis }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await deps.redis.ping();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'redis unavailable' });
    }
  });
}
