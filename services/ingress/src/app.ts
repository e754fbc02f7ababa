import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { recordRoutes, type Logger, type S3BindingStore, type SluiceMetrics } from '@sluice/shared';
import type { PushDispatcher } from './dispatch/push-dispatcher.js';
import { installIngressErrorHandling, installJsonBodies } from './http/error-handling.js';
import { requireMetricsToken } from './http/metrics-token.js';
import { directS3Route } from './routes/direct-s3.js';
import { eventBridgeRoute } from './routes/eventbridge.js';
import { healthRoutes } from './routes/health.js';
import { openApiRoute } from './routes/openapi.js';
import { snsRoute } from './routes/sns.js';
import type { SnsMessageVerifier } from './sns/sns-signature-verifier.js';
import type { SubscriptionConfirmer } from './sns/subscription-confirmer.js';

export interface IngressDeps {
  readonly logger: Logger;
  readonly redis: Redis;
  readonly bindings: S3BindingStore;
  readonly dispatcher: PushDispatcher;
  readonly verifier: SnsMessageVerifier;
  readonly confirmer: SubscriptionConfirmer;
  readonly region: string;
  readonly secret?: string;
  /** This process's metrics, served at /metrics on the ingress port too. */
  readonly metrics?: SluiceMetrics;
  /** SLUICE_API_TOKEN: when set, /metrics needs it as a Bearer token, as on the API port. */
  readonly metricsToken?: string;
}

/** S3 notifications are at most 64 KB per record and SNS messages 256 KB; a direct push may batch records. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/** The ingress: POST /s3 (direct S3 event JSON), /sns (SNS HTTP deliveries), /eventbridge (EventBridge S3 events). */
export function buildIngressApp(deps: IngressDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    genReqId: () => randomUUID(),
  }) as unknown as FastifyInstance;
  // Before any route: the OpenAPI document is built from what the router registered.
  const routes = recordRoutes(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-amzn-RequestId', request.id);
  });
  installJsonBodies(app);
  installIngressErrorHandling(app, deps.metrics);
  const secret = deps.secret === undefined ? {} : { secret: deps.secret };
  healthRoutes(app, { redis: deps.redis });
  openApiRoute(app, { routes });
  if (deps.metrics !== undefined) {
    const { registry } = deps.metrics;
    const onRequest = deps.metricsToken === undefined ? [] : [requireMetricsToken(deps.metricsToken)];
    app.get('/metrics', { onRequest }, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  }
  directS3Route(app, { dispatcher: deps.dispatcher, region: deps.region, ...secret });
  eventBridgeRoute(app, { dispatcher: deps.dispatcher, ...secret });
  snsRoute(app, { dispatcher: deps.dispatcher, verifier: deps.verifier, confirmer: deps.confirmer, bindings: deps.bindings, region: deps.region });
  return app;
}
