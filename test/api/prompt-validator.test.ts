// PromptValidator on its own (no servers): what a check asks of OpenAI, how long answers are cached, and which
// answers are not cached at all.
import t from 'tap';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ModelInfo, OpenAIGateway, PromptRun } from '../../src/openai/gateway.js';
import {
  ModelNotFoundError,
  OpenAIUnauthorizedError,
  OpenAIUnavailableError,
  type OpenAIRequestError,
} from '../../src/openai/errors.js';
import { PromptValidator } from '../../src/domain/prompts/prompt-validator.js';
import { Prompt, PromptVersion } from '../../src/domain/prompts/prompt.entity.js';
import { DEFAULT_MODEL, SYSTEM_INDIVIDUAL_PROMPT } from '../support/harness.js';
import { ANALYSIS_SCHEMA, stringsSchema } from '../support/prompts.js';

const ORG = '00000000-0000-4000-8000-000000000001';

interface Answer {
  output?: string;
  error?: OpenAIRequestError;
}

/** A gateway answering runs from `answer` and models from `models`, recording what it was asked. */
function stubGateway(answer: (run: PromptRun) => Answer = () => ({}), models: Record<string, ModelInfo | Error> = {}) {
  const runs: PromptRun[] = [];
  const modelCalls: string[] = [];
  const gateway: OpenAIGateway = {
    configured: true,
    async runPrompt(run) {
      runs.push(run);
      const { output, error } = answer(run);
      if (error) throw error;
      return {
        outputText: output ?? JSON.stringify(exampleAnalysis),
        model: run.spec.model,
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
        responseId: 'resp_1',
      };
    },
    async model(id) {
      modelCalls.push(id);
      const known = models[id] ?? (id === DEFAULT_MODEL ? { id, shutdownDate: null } : new ModelNotFoundError(id));
      if (known instanceof Error) throw known;
      return known;
    },
  };
  return { gateway, runs, modelCalls };
}

const exampleAnalysis = {
  summary: 's',
  sentiment: 'neutral',
  interestLevel: 5,
  budget: 'unknown',
  timeline: 'unknown',
  decisionMaker: 'unknown',
  objections: [],
  nextSteps: [],
};

/** A stand-in EntityManager holding one organization's prompts: enough for resolution and stored warnings. */
function stubEm(prompts: { id: string; model: string; outputSchema?: Record<string, unknown> }[]) {
  const warnings = new Map<string, string[]>();
  const usage: unknown[][] = [];
  const em = {
    async findOne(entity: unknown, where: Record<string, unknown>) {
      if (entity === Prompt) {
        const prompt = prompts.find((p) => p.id === where.id);
        return prompt
          ? { id: prompt.id, name: `Prompt ${prompt.id}`, kind: 'individual', labels: { production: 1 } }
          : null;
      }
      if (entity === PromptVersion) {
        const prompt = prompts.find((p) => p.id === where.prompt);
        if (!prompt || where.version !== 1) return null;
        return {
          prompt: prompt.id,
          version: 1,
          instructions: 'Analyse {{transcript}}',
          input: null,
          model: prompt.model,
          reasoningEffort: null,
          temperature: 0.5,
          maxOutputTokens: null,
          outputSchema: prompt.outputSchema ?? ANALYSIS_SCHEMA,
          note: null,
        };
      }
      return null;
    },
    async nativeUpdate(_entity: unknown, where: { prompt: string; version: number }, data: { warnings: string[] }) {
      warnings.set(`${where.prompt}@${where.version}`, data.warnings);
      return 1;
    },
    // The validation's usage is recorded with one raw statement: kept here to check it was recorded.
    getConnection: () => ({
      execute: async (_sql: string, params: unknown[]) => {
        usage.push(params);
        return [];
      },
    }),
  };
  return { em: em as unknown as EntityManager, warnings, usage };
}

const options = (extra: Partial<ConstructorParameters<typeof PromptValidator>[1]> = {}) => ({
  warningDays: 90,
  defaultModel: DEFAULT_MODEL,
  ...extra,
});

t.test(
  'a check resolves, looks the model up and runs the version on the sample, once per (version, model)',
  async (t) => {
    // The second prompt's schema has room for a summary only: its answer follows it.
    const narrow = (run: PromptRun) =>
      run.spec.promptId === 'prm_bbbbbbbb' ? { output: JSON.stringify({ summary: 's' }) } : {};
    const { gateway, runs, modelCalls } = stubGateway(narrow, {
      'gpt-4o': { id: 'gpt-4o', shutdownDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) },
    });
    const { em, warnings } = stubEm([
      { id: 'prm_aaaaaaaa', model: 'gpt-4o' },
      { id: 'prm_bbbbbbbb', model: DEFAULT_MODEL, outputSchema: stringsSchema('summary') },
    ]);
    const validator = new PromptValidator(gateway, options());

    const builtIn = await validator.validate(em, ORG, SYSTEM_INDIVIDUAL_PROMPT);
    t.same(builtIn, {
      valid: true,
      details: {
        promptId: SYSTEM_INDIVIDUAL_PROMPT,
        promptVersion: 1,
        model: DEFAULT_MODEL,
        temperature: null,
        reasoningEffort: 'low',
        shutdownDate: null,
        warnings: [],
      },
    });
    t.match(runs[0], { spec: { promptId: SYSTEM_INDIVIDUAL_PROMPT, version: 1 }, maxOutputTokens: 4000 });
    t.match(runs[0]!.input, /budget set aside this quarter/, 'the built-in sample transcript');

    const retiring = await validator.validate(em, ORG, 'prm_aaaaaaaa');
    t.match(retiring, {
      valid: true,
      details: { promptVersion: 1, model: 'gpt-4o', temperature: 0.5, shutdownDate: /^\d{4}-\d{2}-\d{2}$/ },
    });
    t.match(retiring.details?.warnings, [/Model gpt-4o shuts down on .* \(in 30 days\)/]);
    t.same(warnings.get('prm_aaaaaaaa@1'), retiring.details?.warnings, 'the version keeps the warning');
    const partial = await validator.validate(em, ORG, 'prm_bbbbbbbb@1');
    t.match(partial, { valid: true, details: { warnings: [/lacks fields lead scoring reads: sentiment/] } });

    await validator.validate(em, ORG, 'prm_aaaaaaaa@production');
    await validator.validate(em, ORG, SYSTEM_INDIVIDUAL_PROMPT);
    t.equal(runs.length, 3, 'the same version and model again: from the cache');
    t.same(modelCalls, [DEFAULT_MODEL, 'gpt-4o'], 'each model asked once');
    await validator.validate(em, '00000000-0000-4000-8000-000000000002', SYSTEM_INDIVIDUAL_PROMPT);
    t.equal(runs.length, 3, "a built-in's check is shared by every organization");
  },
);

t.test('what cannot run is answered without a live run', async (t) => {
  const { gateway, runs, modelCalls } = stubGateway();
  const { em } = stubEm([{ id: 'prm_gonemodel', model: 'gpt-gone' }]);
  const validator = new PromptValidator(gateway, options());
  for (const [ref, error] of [
    ['', /Not a prompt reference/],
    ['pmpt_abc', /OpenAI retired stored prompts on 2026-11-30/],
    ['prompt_abc', /Not a prompt reference/],
    ['prm_short', /Not a prompt reference/],
    ['prm_aaaaaaaa@Bad_Label', /neither a version number nor a label/],
    ['prm_doesnotexist', /does not exist/],
    ['prm_gonemodel@2', /no version 2/],
  ] as const) {
    t.match(await validator.validate(em, ORG, ref), { valid: false, error }, ref || '(empty)');
  }
  t.same(modelCalls, [], 'no OpenAI call for a reference that does not resolve');
  t.match(await validator.validate(em, ORG, SYSTEM_INDIVIDUAL_PROMPT, 'complete'), {
    valid: false,
    error: /individual prompt, not complete/,
  });

  const gone = await validator.validate(em, ORG, 'prm_gonemodel');
  t.match(gone, { valid: false, error: 'model gpt-gone not found', details: { shutdownDate: null } });
  t.equal(runs.length, 0, 'a missing model is not run');
});

t.test('definite answers expire after their TTL; failures to reach OpenAI are never cached', async (t) => {
  let now = 0;
  let down = false;
  let offSchema = false;
  const { gateway, runs } = stubGateway(() =>
    down
      ? { error: new OpenAIUnavailableError('Could not reach OpenAI: connect ECONNREFUSED 10.0.0.1:443') }
      : offSchema
        ? { output: JSON.stringify({ summary: 'only' }) }
        : {},
  );
  const { em } = stubEm([
    { id: 'prm_aaaaaaaa', model: DEFAULT_MODEL },
    { id: 'prm_bbbbbbbb', model: DEFAULT_MODEL },
  ]);
  const validator = new PromptValidator(
    gateway,
    options({ validTtlMs: 300_000, invalidTtlMs: 60_000, now: () => now }),
  );

  t.equal((await validator.validate(em, ORG, 'prm_aaaaaaaa')).valid, true);
  offSchema = true;
  t.match(await validator.validate(em, ORG, 'prm_bbbbbbbb'), {
    valid: false,
    error: /does not match its output schema.*required property 'sentiment'/,
  });
  offSchema = false;
  now = 59_999;
  await validator.validate(em, ORG, 'prm_aaaaaaaa');
  await validator.validate(em, ORG, 'prm_bbbbbbbb');
  t.equal(runs.length, 2, 'both answered from the cache');
  now = 60_000;
  t.equal((await validator.validate(em, ORG, 'prm_bbbbbbbb')).valid, true, 'an invalid answer expires first');
  await validator.validate(em, ORG, 'prm_aaaaaaaa');
  t.equal(runs.length, 3);
  now = 300_000;
  await validator.validate(em, ORG, 'prm_aaaaaaaa');
  t.equal(runs.length, 4, 'a valid answer expires after its TTL');

  now = 1_000_000;
  down = true;
  const unreachable = await validator.validate(em, ORG, 'prm_aaaaaaaa');
  t.match(unreachable, { valid: false, error: /^Could not verify with OpenAI: OpenAI could not be reached/ });
  t.notMatch(unreachable, { error: /10\.0\.0\.1/ }, 'no upstream address');
  down = false;
  t.equal((await validator.validate(em, ORG, 'prm_aaaaaaaa')).valid, true, 'the failure was not cached');
});

t.test(
  'a rejected key is never cached and never echoed; the cache is bounded; concurrent checks share one run',
  async (t) => {
    let rejected = true;
    const { gateway, runs } = stubGateway(() =>
      rejected ? { error: new OpenAIUnauthorizedError('Incorrect API key provided: sk-test-key.', 401) } : {},
    );
    const { em } = stubEm(['prm_aaaaaaaa', 'prm_bbbbbbbb', 'prm_cccccccc'].map((id) => ({ id, model: DEFAULT_MODEL })));
    const validator = new PromptValidator(gateway, options({ maxEntries: 2 }));

    const unauthorized = await validator.validate(em, ORG, 'prm_aaaaaaaa');
    t.match(unauthorized, {
      valid: false,
      error: /^Could not verify with OpenAI: OpenAI rejected the configured API key/,
    });
    t.notMatch(JSON.stringify(unauthorized), /sk-test/);
    rejected = false;
    t.equal((await validator.validate(em, ORG, 'prm_aaaaaaaa')).valid, true);
    t.equal(runs.length, 2, 'the 401 was not cached');

    await validator.validate(em, ORG, 'prm_bbbbbbbb');
    await validator.validate(em, ORG, 'prm_cccccccc'); // evicts prm_aaaaaaaa, the oldest
    await validator.validate(em, ORG, 'prm_cccccccc');
    await validator.validate(em, ORG, 'prm_aaaaaaaa');
    t.same(
      runs.map((run) => run.spec.promptId),
      ['prm_aaaaaaaa', 'prm_aaaaaaaa', 'prm_bbbbbbbb', 'prm_cccccccc', 'prm_aaaaaaaa'],
    );

    const fresh = stubGateway();
    const shared = new PromptValidator(fresh.gateway, options());
    const [a, b] = await Promise.all([
      shared.validate(em, ORG, 'prm_bbbbbbbb'),
      shared.validate(em, ORG, 'prm_bbbbbbbb@1'),
    ]);
    t.same(a, b);
    t.equal(fresh.runs.length, 1, 'one run for both');
  },
);
