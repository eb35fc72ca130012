// GET /calls and GET /calls/:id (CONTRACT §3). Visibility is the request's EntityManager's: its tenant
// filter keeps other organizations out, its visibility filter narrows a `user` to their own calls.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.js';
import { Call } from '../../domain/calls/call.entity.js';
import { ErrorSchema, Uuid } from '../accounts-schemas.js';
import { isUuid } from '../json-schemas.js';
import { PageQuery, findPage, pageOf } from '../pagination.js';
import { notFound } from '../plugins/errors.js';
import { CallDetailSchema, CallSchema, CallStatusSchema, toCallDetailDto, toCallDto } from './schemas.js';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const secured = { tags: ['calls'], security: [{ bearerAuth: [] }] };

  app.get('/', {
    schema: {
      ...secured,
      summary: 'Calls, newest first (a user sees their own, an admin the organization\'s)',
      querystring: Type.Object({ leadId: Type.Optional(Uuid), status: Type.Optional(CallStatusSchema), ...PageQuery }, { additionalProperties: false }),
      response: { 200: pageOf(CallSchema), 400: ErrorSchema, 401: ErrorSchema },
    },
  }, async (request) => {
    const { leadId, status, limit, cursor } = request.query;
    return findPage(request.em, Call, { ...(leadId ? { lead: leadId } : {}), ...(status ? { status } : {}) }, { limit, cursor }, toCallDto);
  });

  app.get('/:id', {
    schema: { ...secured, summary: 'One call and its analysis', params: Type.Object({ id: Type.String() }), response: { 200: CallDetailSchema, 401: ErrorSchema, 404: ErrorSchema } },
  }, async (request) => {
    const { id } = request.params;
    const call = isUuid(id) ? await request.em.findOne(Call, { id }, { populate: ['transcript'] }) : null;
    if (!call) throw notFound('Call');
    return toCallDetailDto(call);
  });
};

export default routes;
