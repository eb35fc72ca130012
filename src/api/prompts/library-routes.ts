// /prompts: the organization's prompt library (CallSense's own prompts, versions and labels, sent inline to
// OpenAI), the built-ins beside them read-only, and one-off runs of a saved or draft version.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { User } from '../../domain/accounts/user.entity.js';
import { builtInPromptById, builtInVersion } from '../../domain/prompts/built-in-prompts.js';
import { shutdownWarning } from '../../domain/prompts/model-catalog.js';
import {
  addVersion,
  createPrompt,
  deleteLabel,
  deletePrompt,
  duplicatePrompt,
  setLabel,
  versionErrors,
  type VersionInput,
} from '../../domain/prompts/prompt-library.js';
import { Prompt, PromptVersion } from '../../domain/prompts/prompt.entity.js';
import { PROMPT_FIELDS } from '../../domain/prompts/prompt-change.entity.js';
import { applyPromptPatch } from '../../domain/prompts/prompt-settings.js';
import { isRetiredOpenAIPrompt } from '../../domain/prompts/prompt-ref.js';
import type { PromptVersionSpec } from '../../domain/prompts/version-spec.js';
import { badRequest, notFound } from '../plugins/errors.js';
import { tagRoutes } from '../plugins/route-groups.js';
import { errorResponses } from '../schemas/common.js';
import {
  CreatedPrompt,
  CreatePromptBody,
  DuplicateBody,
  LabelBody,
  LabelParams,
  ListQuery,
  PromptDetail,
  PromptParams,
  PromptSummary,
  RunBody,
  Version,
  VersionBody,
  VersionParams,
} from './library-schemas.js';
import { builtInVersionView, builtInView, libraryRows, promptView, versionView } from './library-views.js';
import { RunResult } from './schemas.js';
import { runOnce } from './run-once.js';
import { KIND_OF_FIELD, validatorFor } from './settings.js';
import { Type } from 'typebox';

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  tagRoutes(app, 'prompts');
  const validator = validatorFor(deps);
  const defaultModel = deps.config.openai.defaultModel;
  const spends = { preHandler: [app.openaiRateLimit] };
  const errors = errorResponses(400, 403, 404, 409);

  const actorOf = (request: FastifyRequest) => ({
    id: request.auth.userId,
    email: request.currentUser.email,
    role: request.auth.role,
  });

  /** A near or past shutdown of the version's model, when OpenAI can be asked now (a save never waits on it). */
  async function modelWarnings(model: string): Promise<string[]> {
    if (!validator.configured) return [];
    try {
      const warning = shutdownWarning(model, await validator.models.lookup(model), deps.config.openai.modelWarningDays);
      return warning ? [warning] : [];
    } catch {
      return [];
    }
  }

  app.get(
    '/',
    { schema: { querystring: ListQuery, response: { 200: Type.Array(PromptSummary), ...errors } } },
    async (request) => libraryRows(request.em, request.query.kind, defaultModel),
  );

  app.post(
    '/',
    { schema: { body: CreatePromptBody, response: { 201: CreatedPrompt, ...errors } } },
    async (request, reply) => {
      const { name, kind, description, version, replaces } = request.body;
      if (replaces !== undefined && !isRetiredOpenAIPrompt(replaces))
        throw badRequest('replaces must be a retired OpenAI prompt id (pmpt_…)', { replaces: 'must start with pmpt_' });
      const prompt = await createPrompt(request.em, {
        organizationId: request.auth.organizationId,
        actor: actorOf(request),
        name,
        kind,
        description,
        version: version as VersionInput,
        modelWarnings: await modelWarnings(version.model),
      });
      const replaced: { userId: string; field: string }[] = [];
      if (replaces) {
        // Every user of the organization whose setting of this kind held the retired id now runs the import.
        const field = PROMPT_FIELDS.find((f) => KIND_OF_FIELD[f] === kind)!;
        const column = field === 'openai_individual_prompt_id' ? 'openaiIndividualPromptId' : 'openaiCompletePromptId';
        const holders = await request.em.find(User, { [column]: replaces }, { fields: ['id'] });
        for (const holder of holders) {
          await applyPromptPatch(request.em, {
            userId: holder.id,
            actorId: request.auth.userId,
            patch: { [field]: prompt.id },
          });
          replaced.push({ userId: holder.id, field });
        }
      }
      reply.status(201);
      return { ...promptView(prompt), ...(replaces ? { replaced } : {}) };
    },
  );

  app.post(
    '/run',
    { ...spends, schema: { body: RunBody, response: { 200: RunResult, ...errors, ...errorResponses(429, 502, 503) } } },
    async (request) => {
      const { prompt, transcript, callId } = request.body;
      let spec: PromptVersionSpec;
      if (typeof prompt === 'string') {
        const resolved = await validator.resolve(request.em, prompt);
        if (!resolved.ok) throw badRequest(resolved.error, { prompt: resolved.error });
        spec = resolved.spec;
      } else {
        const kind = prompt.kind ?? 'individual';
        const problems = versionErrors(kind, prompt as VersionInput);
        if (Object.keys(problems).length) throw badRequest('The draft cannot run', problems);
        spec = {
          promptId: 'draft',
          promptName: 'draft',
          kind,
          version: 0,
          instructions: prompt.instructions,
          input: prompt.input ?? null,
          model: prompt.model,
          reasoningEffort: prompt.reasoningEffort ?? null,
          temperature: prompt.temperature ?? null,
          maxOutputTokens: prompt.maxOutputTokens ?? null,
          outputSchema: prompt.outputSchema as Record<string, unknown>,
          builtIn: false,
        };
      }
      const run = await runOnce(deps, request, spec, { transcript, callId });
      const saved = typeof prompt === 'string';
      return {
        ...run,
        promptId: saved ? spec.promptId : null,
        promptVersion: saved ? spec.version : null,
      };
    },
  );

  app.get('/:id', { schema: { params: PromptParams, response: { 200: PromptDetail, ...errors } } }, async (request) => {
    const { id } = request.params;
    const builtIn = builtInPromptById(id);
    if (builtIn) {
      const versions = builtIn.versions
        .map((entry, index) => ({ version: index + 1, note: entry.note ?? null, model: defaultModel, createdBy: null }))
        .reverse();
      const view = builtInView(builtIn.kind);
      return { ...view, versions: versions.map((v) => ({ ...v, createdAt: view.updatedAt })) };
    }
    const prompt = await request.em.findOne(Prompt, { id });
    if (!prompt) throw notFound('Prompt');
    const versions = await request.em.find(
      PromptVersion,
      { prompt: id },
      {
        orderBy: { version: 'desc' },
        fields: ['version', 'note', 'model', 'createdById', 'createdByEmail', 'createdAt'],
      },
    );
    return {
      ...promptView(prompt),
      versions: versions.map((row) => ({
        version: row.version,
        note: row.note ?? null,
        model: row.model,
        createdBy: row.createdById ? { id: row.createdById, email: row.createdByEmail ?? '' } : null,
        createdAt: row.createdAt.toISOString(),
      })),
    };
  });

  app.post(
    '/:id/versions',
    { schema: { params: PromptParams, body: VersionBody, response: { 201: Version, ...errors } } },
    async (request, reply) => {
      const row = await addVersion(request.em, {
        promptId: request.params.id,
        actor: actorOf(request),
        version: request.body as VersionInput,
        modelWarnings: await modelWarnings(request.body.model),
      });
      reply.status(201);
      return versionView(row);
    },
  );

  app.get(
    '/:id/versions/:version',
    { schema: { params: VersionParams, response: { 200: Version, ...errors } } },
    async (request) => {
      const { id, version } = request.params;
      if (builtInPromptById(id)) {
        const spec = builtInVersion(id, version, defaultModel);
        if (!spec) throw notFound('Version');
        return builtInVersionView(spec);
      }
      const row = await request.em.findOne(PromptVersion, { prompt: id, version });
      if (!row) throw notFound('Version');
      return versionView(row);
    },
  );

  app.put(
    '/:id/labels/:label',
    { schema: { params: LabelParams, body: LabelBody, response: { 200: CreatedPrompt, ...errors } } },
    async (request) => {
      const prompt = await setLabel(request.em, {
        promptId: request.params.id,
        label: request.params.label,
        version: request.body.version,
        actor: actorOf(request),
      });
      return promptView(prompt);
    },
  );

  app.delete(
    '/:id/labels/:label',
    { schema: { params: LabelParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await deleteLabel(request.em, {
        promptId: request.params.id,
        label: request.params.label,
        actor: actorOf(request),
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:id/duplicate',
    { schema: { params: PromptParams, body: DuplicateBody, response: { 201: CreatedPrompt, ...errors } } },
    async (request, reply) => {
      const prompt = await duplicatePrompt(request.em, {
        organizationId: request.auth.organizationId,
        promptId: request.params.id,
        version: request.body.version,
        name: request.body.name,
        actor: actorOf(request),
        defaultModel,
      });
      reply.status(201);
      return promptView(prompt);
    },
  );

  app.delete(
    '/:id',
    { schema: { params: PromptParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await deletePrompt(request.em, { promptId: request.params.id, actor: actorOf(request) });
      return reply.status(204).send(null);
    },
  );
};

export default routes;
