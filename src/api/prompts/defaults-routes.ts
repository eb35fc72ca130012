// /admin/prompt-defaults: the organization's default prompts, run for every user without a setting of their
// own (null: the built-in). Validated like a user's setting; audited.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { Organization } from '../../domain/accounts/organization.entity.js';
import { AUDIT_ACTIONS, recordAudit } from '../../domain/audit/index.js';
import { notFound } from '../plugins/errors.js';
import { tagRoutes } from '../plugins/route-groups.js';
import { errorResponses } from '../schemas/common.js';
import { PromptDefaults, PromptDefaultsBody } from './schemas.js';
import { promptSettings } from './settings.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'prompts');
  const { checkFields } = promptSettings(deps);
  const errors = errorResponses(400, 404, 429, 503);

  const view = (organization: { defaultIndividualPrompt?: string | null; defaultCompletePrompt?: string | null }) => ({
    individual: organization.defaultIndividualPrompt ?? null,
    complete: organization.defaultCompletePrompt ?? null,
  });

  app.get('/prompt-defaults', { schema: { response: { 200: PromptDefaults, ...errors } } }, async (request) => {
    const organization = await request.em.findOne(Organization, { id: request.auth.organizationId });
    if (!organization) throw notFound('Organization');
    return view(organization);
  });

  app.put(
    '/prompt-defaults',
    {
      preHandler: [app.openaiRateLimit],
      schema: { body: PromptDefaultsBody, response: { 200: PromptDefaults, ...errors } },
    },
    async (request) => {
      const body = request.body;
      await checkFields(request, body, { individual: 'individual', complete: 'complete' });
      return request.em.transactional(async (tx) => {
        const organization = await tx.findOne(Organization, { id: request.auth.organizationId });
        if (!organization) throw notFound('Organization');
        const before = view(organization);
        if (body.individual !== undefined) organization.defaultIndividualPrompt = body.individual;
        if (body.complete !== undefined) organization.defaultCompletePrompt = body.complete;
        const after = view(organization);
        if (before.individual !== after.individual || before.complete !== after.complete) {
          await recordAudit(tx, {
            organizationId: organization.id,
            actorId: request.auth.userId,
            actorEmail: request.currentUser.email,
            action: AUDIT_ACTIONS.promptDefaultsChanged,
            target: { type: 'organization', id: organization.id },
            details: { before, after },
          });
        }
        return after;
      });
    },
  );
};

export default routes;
