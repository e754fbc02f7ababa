import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { recordRoutes, type DeadLetterStore, type EventInvokeConfigStore, type FunctionStore, type LeaseReading, type Logger, type MappingStore, type S3BindingStore, type SluiceMetrics, type TagStore } from '@sluice/shared';
import { installApiTokenAuth } from './auth/api-token-auth.js';
import type { DashboardAsset } from './dashboard/dashboard-assets.js';
import { buildDashboardSnapshot } from './dashboard/dashboard-snapshot.js';
import { sharedRefresh } from './dashboard/shared-refresh.js';
import { MappingService } from './esm/mapping-service.js';
import type { MappingLimits } from './esm/rules/common-rules.js';
import type { ArnContext } from './esm/mapping-wire.js';
import type { SourceChecker } from './esm/source-checker.js';
import { FunctionResolver } from './functions/function-resolver.js';
import { installErrorHandling, sendLambdaError, toLambdaApiError } from './http/error-handler.js';
import { installJsonBodyParser } from './http/json-body.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { eventSourceMappingRoutes } from './routes/event-source-mappings.js';
import { filterCriteriaTestRoutes } from './routes/filter-criteria-test.js';
import { functionRoutes } from './routes/functions.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { openApiRoutes } from './routes/openapi.js';
import { EventInvokeConfigService } from './event-invoke-config/event-invoke-config-service.js';
import { InvokeService, type InvokeServiceDeps } from './invoke/invoke-service.js';
import { eventInvokeConfigRoutes } from './routes/event-invoke-configs.js';
import { invocationRoutes } from './routes/invocations.js';
import { s3BindingRoutes } from './routes/s3-bindings.js';
import { tagRoutes } from './routes/tags.js';
import { TagService } from './tags/tag-service.js';
import { lambdaFunctionRoutes } from './routes/lambda-functions.js';
import { LambdaFunctionService, type LambdaFunctionServiceDeps } from './lambda-functions/lambda-function-service.js';
import { S3BindingService } from './s3-bindings/s3-binding-service.js';
import type { S3NotificationWiring } from './s3-bindings/s3-notification-wiring.js';

export interface ApiDeps {
  readonly logger: Logger;
  readonly redis: Redis;
  readonly mappings: MappingStore;
  readonly functions: FunctionStore;
  /** Tags of functions and mappings (TagResource, UntagResource, ListTags). */
  readonly tags: TagStore;
  readonly sources: SourceChecker;
  readonly arns: ArnContext;
  readonly limits: MappingLimits;
  readonly settleMs: number;
  readonly apiToken?: string;
  readonly bodyLimitBytes: number;
  readonly metrics: SluiceMetrics;
  /** The dead-letter store and the replay queue; without them the dead-letter routes are absent. */
  readonly deadLetters?: { readonly store: DeadLetterStore; readonly enqueueReplay: (id: string) => Promise<void> };
  /** S3 bindings (issue #5): the store, and the wiring for ManagedNotification; without them the routes are absent. */
  readonly s3Bindings?: { readonly store: S3BindingStore; readonly wiring?: S3NotificationWiring; readonly defaultIngressUrl?: string };
  /** The Invoke API (issue #5): invokers, the async queue and the concurrency limiter; without them the route is absent. */
  readonly invoke?: Pick<InvokeServiceDeps, 'invoker' | 'enqueue' | 'concurrency'> & {
    /** Where the Event path reads functions: a cache (CachedFunctionStore, as the worker's), or the registry itself. */
    readonly cachedFunctions: Pick<FunctionStore, 'get'>;
  };
  /** Lambda's function API (CreateFunction...): where .zip code is unpacked, and the S3 it may come from; without them the routes are absent. */
  readonly lambdaFunctions?: Pick<LambdaFunctionServiceDeps, 'codes' | 's3'>;
  /** Lambda's event-invoke-config API (issue #5); without the store the routes are absent. */
  readonly eventInvokeConfigs?: EventInvokeConfigStore;
  /** The operator's dashboard: its built page, the lease reader, and the poller beside it; without it the routes are absent. */
  readonly dashboard?: {
    readonly assets: ReadonlyMap<string, DashboardAsset> | undefined;
    readonly leases: { read(mappingIds: readonly string[]): Promise<LeaseReading> };
    /** The worker id of the poller role in this process, if one runs here (its metrics are then this process's). */
    readonly localPollerId?: string;
  };
  readonly now?: () => number;
}

/** However many dashboards poll, the stores are read for them at most once in this long. */
const DASHBOARD_REFRESH_MS = 500;

/** Builds the registry API: Lambda's event-source-mapping API plus Sluice's function registry and dead-letter store. */
export function buildApp(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimitBytes,
    // Long path parameters reach our own validation (and its Lambda-shaped error) instead of a router 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // Errors raised before routing (a malformed URL) leave in Lambda's shape like every other error.
    frameworkErrors: (error, _request, reply) => sendLambdaError(reply, toLambdaApiError(error)),
    // AWS SDKs read the request id from this header; it is also on every log line of the request.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
  }) as unknown as FastifyInstance;
  // Before any route: the OpenAPI document is built from what the router registered.
  const routes = recordRoutes(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-amzn-RequestId', request.id);
  });
  installJsonBodyParser(app);
  installErrorHandling(app);
  installApiTokenAuth(app, deps.apiToken, deps.now);

  const resolver = new FunctionResolver(deps.functions, deps.arns);
  const service = new MappingService({
    store: deps.mappings,
    functions: resolver,
    sources: deps.sources,
    limits: deps.limits,
    settleMs: deps.settleMs,
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
  healthRoutes(app, { redis: deps.redis });
  metricsRoutes(app, { registry: deps.metrics.registry });
  openApiRoutes(app, { routes });
  eventSourceMappingRoutes(app, { service, store: deps.mappings, arns: deps.arns });
  const tagService = new TagService(deps.tags, deps.arns);
  tagRoutes(app, { service: tagService });
  filterCriteriaTestRoutes(app, { limits: deps.limits });
  functionRoutes(app, {
    store: deps.functions,
    resolver,
    arns: deps.arns,
    ...(deps.lambdaFunctions === undefined ? {} : { codes: deps.lambdaFunctions.codes }),
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
  if (deps.lambdaFunctions !== undefined) {
    const lambdaService = new LambdaFunctionService({ ...deps.lambdaFunctions, store: deps.functions, tags: deps.tags, resolver, arns: deps.arns, ...(deps.now === undefined ? {} : { now: deps.now }) });
    lambdaFunctionRoutes(app, { service: lambdaService, store: deps.functions, resolver, tags: tagService });
  }
  if (deps.deadLetters !== undefined) deadLetterRoutes(app, deps.deadLetters);
  if (deps.dashboard !== undefined) {
    const { assets, leases, localPollerId } = deps.dashboard;
    const build = () =>
      buildDashboardSnapshot({
        mappings: deps.mappings,
        leases,
        metrics: deps.metrics,
        ...(localPollerId === undefined ? {} : { localPollerId }),
        ...(deps.now === undefined ? {} : { now: deps.now }),
      });
    dashboardRoutes(app, { assets, snapshot: sharedRefresh(build, DASHBOARD_REFRESH_MS) });
  }
  if (deps.invoke !== undefined) {
    const { cachedFunctions, ...invoke } = deps.invoke;
    const cachedResolver = new FunctionResolver(cachedFunctions, deps.arns);
    invocationRoutes(app, { service: new InvokeService({ ...invoke, resolver, cachedResolver, ...(deps.now === undefined ? {} : { now: deps.now }) }) });
  }
  if (deps.eventInvokeConfigs !== undefined) {
    const eicService = new EventInvokeConfigService({ store: deps.eventInvokeConfigs, functions: deps.functions, resolver, arns: deps.arns, ...(deps.now === undefined ? {} : { now: deps.now }) });
    eventInvokeConfigRoutes(app, { service: eicService, arns: deps.arns });
  }
  if (deps.s3Bindings !== undefined) {
    const { store, wiring, defaultIngressUrl } = deps.s3Bindings;
    const s3Service = new S3BindingService({
      store,
      functions: resolver,
      ...(wiring === undefined ? {} : { wiring }),
      ...(defaultIngressUrl === undefined ? {} : { defaultIngressUrl }),
      ...(deps.now === undefined ? {} : { now: deps.now }),
    });
    s3BindingRoutes(app, { service: s3Service, store });
  }
  return app;
}
