import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.js';

// TODO: routes of CONTRACT §3 for this domain.
const routes: FastifyPluginAsyncTypebox<AppDeps> = async (_app, _deps) => {};

export default routes;
