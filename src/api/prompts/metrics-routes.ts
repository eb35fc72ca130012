// GET /openai-prompts/metrics: how each prompt (id and version) performs — analyses,
// failures, fallbacks to the system prompt, tokens and median latency — for the caller's analyses, or the
// organization's for an admin asking `scope=organization`.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { errorResponses, Nullable } from '../schemas/common.js';
import { forbidden } from '../plugins/errors.js';
import { tagRoutes } from '../plugins/route-groups.js';

const MetricsRow = Type.Object({
  kind: Type.Union([Type.Literal('individual'), Type.Literal('complete')]),
  promptId: Nullable(Type.String()),
  promptName: Nullable(Type.String()),
  promptVersion: Nullable(Type.Integer()),
  source: Nullable(Type.Union([Type.Literal('user'), Type.Literal('organization'), Type.Literal('system')])),
  analyses: Type.Integer(),
  failures: Type.Integer(),
  fallbacks: Type.Integer(),
  inputTokens: Type.Integer(),
  outputTokens: Type.Integer(),
  p50LatencyMs: Nullable(Type.Number()),
});

interface Row {
  kind: 'individual' | 'complete';
  prompt_id: string | null;
  prompt_name: string | null;
  prompt_version: number | null;
  prompt_source: 'user' | 'organization' | 'system' | null;
  analyses: number;
  failures: number;
  fallbacks: number;
  input_tokens: string | number;
  output_tokens: string | number;
  p50: number | null;
}

const routes: FastifyPluginAsyncTypebox<AppDeps> = async (app) => {
  tagRoutes(app, 'prompts');
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prompt performance: analyses, failures, fallbacks, tokens and median latency per prompt version',
        querystring: Type.Object(
          {
            since: Type.Optional(Type.String({ format: 'date-time' })),
            scope: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('organization')])),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(MetricsRow), ...errorResponses(400, 403) },
      },
    },
    async (request) => {
      const { since, scope } = request.query;
      if (scope === 'organization' && request.auth.role !== 'admin')
        throw forbidden('scope=organization requires the admin role');
      const params: unknown[] = [request.auth.organizationId];
      let where = 'organization_id = ?';
      if (scope !== 'organization') {
        where += ' and user_id = ?';
        params.push(request.auth.userId);
      }
      if (since) {
        where += ' and created_at >= ?';
        params.push(new Date(since));
      }
      const rows = await request.em.getConnection().execute<Row[]>(
        `select kind, prompt_id, max(prompt_name) as prompt_name, prompt_version, prompt_source,
              count(*) filter (where outcome = 'succeeded')::int as analyses,
              count(*) filter (where outcome = 'failed')::int as failures,
              count(*) filter (where fallback)::int as fallbacks,
              coalesce(sum(input_tokens), 0)::bigint as input_tokens,
              coalesce(sum(output_tokens), 0)::bigint as output_tokens,
              percentile_cont(0.5) within group (order by latency_ms) as p50
         from analyses where ${where}
        group by kind, prompt_id, prompt_version, prompt_source
        order by kind, prompt_id nulls last, prompt_version nulls last, prompt_source nulls last`,
        params,
      );
      return rows.map((row) => ({
        kind: row.kind,
        promptId: row.prompt_id,
        promptName: row.prompt_name,
        promptVersion: row.prompt_version,
        source: row.prompt_source,
        analyses: row.analyses,
        failures: row.failures,
        fallbacks: row.fallbacks,
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        p50LatencyMs: row.p50 === null ? null : Number(row.p50),
      }));
    },
  );
};

export default routes;
