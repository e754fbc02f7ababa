import type { FastifyInstance, FastifyReply } from 'fastify';
import { notFound } from '../errors/lambda-api-error.js';
import type { DashboardAsset } from '../dashboard/dashboard-assets.js';
import type { DashboardSnapshot } from '../dashboard/dashboard-wire.js';

export interface DashboardRoutesDeps {
  /** The built page (loadDashboardAssets); without it /dashboard says how to build it. */
  readonly assets: ReadonlyMap<string, DashboardAsset> | undefined;
  readonly snapshot: () => Promise<DashboardSnapshot>;
}

export const DASHBOARD_PATH = '/dashboard';
export const DASHBOARD_SNAPSHOT_PATH = '/sluice/v1/dashboard';
/**
 * The page and its script and style: open without the API token, since they hold no data (the
 * page asks for the token and sends it on its API calls, which need it like any other).
 */
export const DASHBOARD_PAGE_ROUTES = [DASHBOARD_PATH, `${DASHBOARD_PATH}/:file`] as const;

// Everything from this origin, nothing inline, no frames: the token typed in stays with the page.
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The operator's dashboard (README, Dashboard): the static page, and the live JSON it polls. */
export function dashboardRoutes(app: FastifyInstance, deps: DashboardRoutesDeps): void {
  const send = (reply: FastifyReply, name: string) => {
    const asset = deps.assets?.get(name);
    if (asset === undefined) {
      throw notFound(deps.assets === undefined ? 'The dashboard is not built: run `npm run build`.' : `Dashboard file not found: ${name}`);
    }
    return reply.headers(PAGE_HEADERS).type(asset.type).send(asset.body);
  };
  app.get(DASHBOARD_PATH, async (_request, reply) => send(reply, 'index.html'));
  // `/dashboard/` is the page too, whatever the router does with trailing slashes.
  app.get<{ Params: { file: string } }>(`${DASHBOARD_PATH}/:file`, async (request, reply) => send(reply, request.params.file || 'index.html'));
  app.get(DASHBOARD_SNAPSHOT_PATH, async (_request, reply) => reply.header('cache-control', 'no-store').send(await deps.snapshot()));
}
