// Every route under /api, by who may call it: anyone, a signed-in user, an admin. The group a route is
// registered in is its authentication: route files never add the hook or the OpenAPI `security` themselves.
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from './deps.js';
import { requireAdminRole, requireToken } from './plugins/route-groups.js';
import healthRoutes from './health/routes.js';
import authRoutes from './auth/routes.js';
import meRoutes from './auth/me-routes.js';
import adminRoutes from './admin/routes.js';
import reanalysisRoutes from './admin/reanalysis-routes.js';
import testCallRoutes from './admin/test-call-routes.js';
import usageRoutes from './admin/usage-routes.js';
import promptRoutes from './prompts/routes.js';
import promptAdminRoutes from './prompts/admin-routes.js';
import promptMetricsRoutes from './prompts/metrics-routes.js';
import promptLibraryRoutes from './prompts/library-routes.js';
import promptDefaultsRoutes from './prompts/defaults-routes.js';
import experimentRoutes from './prompts/experiment-routes.js';
import preferencesRoutes from './preferences/routes.js';
import scoringRoutes from './scoring/routes.js';
import scoringAdminRoutes from './scoring/admin-routes.js';
import webhookRoutes from './webhooks/routes.js';
import retellWebhookRoutes from './webhooks/retell.js';
import vapiWebhookRoutes from './webhooks/vapi.js';
import integrationRoutes from './integrations/routes.js';
import callRoutes from './calls/routes.js';
import leadRoutes from './leads/routes.js';
import leadScoreRoutes from './leads/score-routes.js';
import eventRoutes from './events/routes.js';

/** Route plugins and the prefix each is mounted under. */
type RouteTable = [routes: FastifyPluginAsyncTypebox<AppDeps>, prefix: string][];

// Public, like the probes: signup and login, and webhooks (authenticated by their signatures instead).
const publicRoutes: RouteTable = [
  [authRoutes, '/auth'],
  [webhookRoutes, '/webhooks'],
  [retellWebhookRoutes, '/webhooks'],
  [vapiWebhookRoutes, '/webhooks'],
];

const signedInRoutes: RouteTable = [
  [meRoutes, '/auth'],
  [promptRoutes, '/openai-prompts'],
  [promptMetricsRoutes, '/openai-prompts'],
  [promptLibraryRoutes, '/prompts'],
  [experimentRoutes, '/prompts'],
  [preferencesRoutes, '/ai'],
  [scoringRoutes, '/ai/scoring'],
  [callRoutes, '/calls'],
  [leadRoutes, '/leads'],
  [leadScoreRoutes, '/leads'],
];

const adminOnlyRoutes: RouteTable = [
  [adminRoutes, '/admin'],
  [reanalysisRoutes, '/admin'],
  [testCallRoutes, '/admin'],
  [usageRoutes, '/admin'],
  [scoringAdminRoutes, '/admin'],
  [integrationRoutes, '/admin/integrations'],
  [promptAdminRoutes, '/openai-prompts/admin'],
  [promptDefaultsRoutes, '/admin'],
  [eventRoutes, '/admin'],
];

/** Registers the table's plugins in order (the order the OpenAPI document lists their routes in). */
async function registerAll(group: FastifyInstance, deps: AppDeps, table: RouteTable) {
  for (const [routes, prefix] of table) await group.register(routes, { ...deps, prefix });
}

const apiRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (api, deps) => {
  // The probes (at the root of /api) and the public routes.
  await api.register(healthRoutes, deps);
  await registerAll(api, deps, publicRoutes);

  await api.register(async (signedIn) => {
    requireToken(signedIn);
    await registerAll(signedIn, deps, signedInRoutes);

    await signedIn.register(async (admin) => {
      requireAdminRole(admin);
      await registerAll(admin, deps, adminOnlyRoutes);
    });
  });
};

export default apiRoutes;
