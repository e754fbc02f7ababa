/** A route as the router registered it: its method and its path in the router's `:param` form. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

/** What recordRoutes needs of a Fastify instance: its onRoute hook. */
export interface RouteHookHost {
  addHook(name: 'onRoute', hook: (route: { method: string | readonly string[]; url: string }) => void): unknown;
}

/**
 * The routes registered on `app` from now on, as its router sees them (Fastify's onRoute hook):
 * the OpenAPI document is checked against this list, never against a hand-written one. HEAD
 * routes Fastify adds for every GET are left out.
 */
export function recordRoutes(app: RouteHookHost): readonly RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  recorded.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of typeof route.method === 'string' ? [route.method] : route.method) {
      if (method !== 'HEAD') routes.push({ method: method.toLowerCase(), url: route.url });
    }
  });
  return routes;
}

const recorded = new WeakMap<object, readonly RegisteredRoute[]>();

/** The routes recordRoutes saw registered on `app` (the contract tests compare them with the document). */
export function registeredRoutes(app: object): readonly RegisteredRoute[] {
  const routes = recorded.get(app);
  if (routes === undefined) throw new Error('recordRoutes was not installed on this app');
  return routes;
}

/** `get /sluice/v1/functions/:name`: how the document and the router name a route alike. */
export function routeKey(route: RegisteredRoute): string {
  return `${route.method.toLowerCase()} ${route.url}`;
}
