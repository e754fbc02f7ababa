import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** Prometheus text format of this process's metrics (every role running in it records there). */
export function metricsRoutes(app: FastifyInstance, deps: { registry: Registry }): void {
  app.get('/metrics', async (_request, reply) => {
    const body = await deps.registry.metrics();
    return reply.type(deps.registry.contentType).send(body);
  });
}
