// Every route under /api, by who may call it: anyone, a signed-in user, an admin. The group a route is
// registered in is its authentication: route files never add the hook or the OpenAPI `security` themselves.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from './deps.js';
import { requireAdminRole, requireToken } from './plugins/route-groups.js';
import healthRoutes from './health/routes.js';
import authRoutes from './auth/routes.js';
import meRoutes from './auth/me-routes.js';
import adminRoutes from './admin/routes.js';
import reanalysisRoutes from './admin/reanalysis-routes.js';
import promptRoutes from './prompts/routes.js';
import promptAdminRoutes from './prompts/admin-routes.js';
import promptMetricsRoutes from './prompts/metrics-routes.js';
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

const apiRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (api, deps) => {
  // Public: probes, signup and login, and webhooks (authenticated by their signatures instead).
  await api.register(healthRoutes, deps);
  await api.register(authRoutes, { ...deps, prefix: '/auth' });
  await api.register(webhookRoutes, { ...deps, prefix: '/webhooks' });
  await api.register(retellWebhookRoutes, { ...deps, prefix: '/webhooks' });
  await api.register(vapiWebhookRoutes, { ...deps, prefix: '/webhooks' });

  await api.register(async (signedIn) => {
    requireToken(signedIn);
    await signedIn.register(meRoutes, { ...deps, prefix: '/auth' });
    await signedIn.register(promptRoutes, { ...deps, prefix: '/openai-prompts' });
    await signedIn.register(promptMetricsRoutes, { ...deps, prefix: '/openai-prompts' });
    await signedIn.register(preferencesRoutes, { ...deps, prefix: '/ai' });
    await signedIn.register(scoringRoutes, { ...deps, prefix: '/ai/scoring' });
    await signedIn.register(callRoutes, { ...deps, prefix: '/calls' });
    await signedIn.register(leadRoutes, { ...deps, prefix: '/leads' });
    await signedIn.register(leadScoreRoutes, { ...deps, prefix: '/leads' });

    await signedIn.register(async (admin) => {
      requireAdminRole(admin);
      await admin.register(adminRoutes, { ...deps, prefix: '/admin' });
      await admin.register(reanalysisRoutes, { ...deps, prefix: '/admin' });
      await admin.register(scoringAdminRoutes, { ...deps, prefix: '/admin' });
      await admin.register(integrationRoutes, { ...deps, prefix: '/admin/integrations' });
      await admin.register(promptAdminRoutes, { ...deps, prefix: '/openai-prompts/admin' });
    });
  });
};

export default apiRoutes;
