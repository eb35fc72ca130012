// GET /leads, GET /leads/:id, PATCH /leads/:id. Visibility is the request's EntityManager's:
// its tenant filter keeps other organizations out, its visibility filter narrows a `user` to their leads.
import { Type } from 'typebox';
import { AUDIT_ACTIONS } from '../../domain/audit/index.js';
import { recordRequestAudit } from '../audit.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { Lead } from '../../domain/leads/lead.entity.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { PageQuery, findPage, pageOf } from '../pagination.js';
import { LeadDetailSchema, LeadSchema, LeadStatusSchema, toLeadDto } from './schemas.js';
import { leadWorkflowId } from '../../temporal/ids.js';
import { workflowUrl } from '../../temporal/links.js';
import { findVisible } from '../visible-row.js';
import { tagRoutes } from '../plugins/route-groups.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'leads');

  app.get(
    '/',
    {
      schema: {
        summary: "Leads, newest first (a user sees the leads assigned to them, an admin the organization's)",
        querystring: Type.Object(
          { status: Type.Optional(LeadStatusSchema), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(LeadSchema), ...errorResponses(400) },
      },
    },
    async (request) => {
      const { status, limit, cursor } = request.query;
      return findPage(request.em, Lead, status ? { status } : {}, { limit, cursor }, toLeadDto);
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        summary: 'One lead and its complete analysis',
        params: IdParams,
        response: { 200: LeadDetailSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const lead = await findVisible(request.em, Lead, request.params.id, 'Lead');
      return {
        ...toLeadDto(lead),
        workflowUrl: workflowUrl(deps.config.temporal, leadWorkflowId(lead.organization, lead.id)),
      };
    },
  );

  app.patch(
    '/:id',
    {
      schema: {
        summary: 'Move a lead through the sales funnel',
        params: IdParams,
        body: Type.Object({ status: LeadStatusSchema }, { additionalProperties: false }),
        response: { 200: LeadSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const lead = await findVisible(request.em, Lead, request.params.id, 'Lead');
      const from = lead.status;
      // Only the changed columns are written, so a concurrent fold's complete analysis is never overwritten.
      lead.status = request.body.status;
      // WON and LOST become scoring labels: who set them is audited, in the same flush as the change.
      if (from !== lead.status) {
        await recordRequestAudit(request, {
          action: AUDIT_ACTIONS.leadStatusChanged,
          target: { type: 'lead', id: lead.id },
          details: { from, to: lead.status },
        });
      }
      await request.em.flush();
      return toLeadDto(lead);
    },
  );
};

export default routes;
