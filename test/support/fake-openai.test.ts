// The local OpenAI-compatible server, driven through the real `openai` SDK: it must answer the way today's
// Responses and Models APIs do, or the tests built on it prove nothing about production.
import t, { type Test } from 'tap';
import OpenAI, { type APIError } from 'openai';
import { Ajv } from 'ajv';
import {
  defaultRespond,
  exampleOutput,
  startFakeOpenAI,
  type Behavior,
  type FakeOpenAI,
  type ModelOptions,
  type PromptScript,
  type RecordedRequest,
  type StatusBehavior,
} from './fake-openai.js';

// A schema shaped like CallSense's built-in analysis schema.
const ANALYSIS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'sentiment', 'interestLevel', 'budget', 'timeline', 'decisionMaker', 'objections', 'nextSteps'],
  properties: {
    summary: { type: 'string' },
    sentiment: { type: 'string', enum: ['positive', 'neutral', 'negative'] },
    interestLevel: { type: 'integer', minimum: 0, maximum: 10 },
    budget: { type: 'string', enum: ['confirmed', 'unknown', 'none'] },
    timeline: { type: 'string', enum: ['now', 'this-month', 'this-quarter', 'this-year', 'none', 'unknown'] },
    decisionMaker: { type: 'string', enum: ['involved', 'not-involved', 'unknown'] },
    objections: { type: 'array', items: { type: 'string' } },
    nextSteps: { type: 'array', items: { type: 'string' } },
  },
} as const;

const INSTRUCTIONS = 'You analyse sales call transcripts. Answer with the schema.';

function analysisRequest(
  input: string,
  prompt = 'prm_systemindividual@1',
  extra: Partial<OpenAI.Responses.ResponseCreateParamsNonStreaming> = {},
): OpenAI.Responses.ResponseCreateParamsNonStreaming {
  return {
    model: 'gpt-6-luna',
    instructions: INSTRUCTIONS,
    input,
    text: {
      format: { type: 'json_schema', name: 'call_analysis', schema: { ...ANALYSIS_SCHEMA }, strict: true },
    },
    store: false,
    metadata: { callsense_prompt: prompt },
    ...extra,
  };
}

async function setup(t: Test): Promise<{ fake: FakeOpenAI; client: OpenAI }> {
  const fake = await startFakeOpenAI();
  t.teardown(() => fake.close());
  return { fake, client: new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseURL, maxRetries: 0 }) };
}

async function rejection<T extends Error>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (error) {
    return error as T;
  }
  throw new Error('expected a rejection');
}

t.test('listens on 127.0.0.1 only', async (t) => {
  const { fake } = await setup(t);
  t.match(fake.baseURL, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
});

t.test('the retired stored prompt is a 404, and is recorded', async (t) => {
  const { fake, client } = await setup(t);
  const error = await rejection<APIError>(
    client.responses.create({ prompt: { id: 'pmpt_legacy', version: '2' }, input: 'hello' }),
  );
  t.type(error, OpenAI.NotFoundError);
  t.equal(error.status, 404);
  t.equal(error.code, 'not_found');
  t.equal(error.param, 'prompt');
  t.equal(error.type, 'invalid_request_error');
  t.equal(
    (error.error as { message: string }).message,
    'Prompt objects are no longer supported: stored prompts were shut down on 2026-11-30. Send instructions and model inline.',
  );
  t.equal(fake.count(), 1, 'rejected requests are recorded too');
  const recorded: RecordedRequest | undefined = fake.requests[0];
  t.equal(recorded?.promptKey, undefined);
  t.equal(recorded?.usage, undefined, 'no usage for a rejected request');
});

t.test('model checks', async (t) => {
  const { fake, client } = await setup(t);

  const unknown = await rejection<APIError>(
    client.responses.create(analysisRequest('hi', 'prm_systemindividual@1', { model: 'gpt-3-turbo-ancient' })),
  );
  t.type(unknown, OpenAI.NotFoundError);
  t.equal(unknown.code, 'model_not_found');
  t.equal(unknown.param, null);
  t.equal(
    (unknown.error as { message: string }).message,
    'The model `gpt-3-turbo-ancient` does not exist or you do not have access to it.',
  );

  const missing = await rejection<APIError>(
    client.responses.create({ input: 'hi' } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming),
  );
  t.type(missing, OpenAI.BadRequestError);
  t.equal(missing.code, 'missing_required_parameter');
  t.equal(missing.param, 'model');

  const removed = 'gpt-6-luna-mini';
  fake.removeModel(removed);
  const gone = await rejection<APIError>(
    client.responses.create(analysisRequest('hi', 'prm_systemindividual@1', { model: removed })),
  );
  t.equal(gone.code, 'model_not_found', 'a removed model is unknown');

  const typo = await rejection<APIError>(
    client.responses.create({
      ...analysisRequest('hi'),
      response_format: { type: 'json_object' },
    } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming),
  );
  t.equal(typo.code, 'unknown_parameter', 'unknown parameters are refused like the real API does');
  t.equal(typo.param, 'response_format');

  t.equal(fake.count(), 4);
});

t.test('models endpoint', async (t) => {
  const { fake, client } = await setup(t);

  const retiring = await client.models.retrieve('gpt-4.1');
  t.strictSame(
    { ...retiring },
    { id: 'gpt-4.1', object: 'model', created: retiring.created, owned_by: 'openai', shutdown_date: '2027-01-14' },
  );
  for (const id of ['gpt-4o', 'gpt-4.1-mini']) t.equal((await client.models.retrieve(id)).shutdown_date, '2027-01-14');

  const current = await client.models.retrieve('gpt-6-luna');
  t.equal(current.id, 'gpt-6-luna');
  t.notOk('shutdown_date' in current, 'no shutdown_date when none is announced');

  const options: ModelOptions = { shutdownDate: '2028-03-01', flex: false };
  fake.defineModel('gpt-7-sol', options);
  t.equal((await client.models.retrieve('gpt-7-sol')).shutdown_date, '2028-03-01');

  const unknown = await rejection<APIError>(client.models.retrieve('gpt-nope'));
  t.type(unknown, OpenAI.NotFoundError);
  t.equal(unknown.code, 'model_not_found');

  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  t.same(ids.sort(), ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4o', 'gpt-5-mini', 'gpt-6-luna', 'gpt-6-luna-mini', 'gpt-7-sol']);

  t.same(fake.modelRequests, ['gpt-4.1', 'gpt-4o', 'gpt-4.1-mini', 'gpt-6-luna', 'gpt-7-sol', 'gpt-nope']);
  t.equal(fake.count(), 0, 'model requests are counted apart from responses requests');

  // A responses outage leaves the models endpoint up, unless it has its own.
  fake.setOutage({ status: 503 });
  t.equal((await client.models.retrieve('gpt-5-mini')).id, 'gpt-5-mini');
  const down: StatusBehavior = { status: 503 };
  fake.setModelsOutage(down);
  const error = await rejection<APIError>(client.models.retrieve('gpt-5-mini'));
  t.type(error, OpenAI.InternalServerError);
  t.equal(error.status, 503);
  fake.setModelsOutage(null);
  t.equal((await client.models.retrieve('gpt-5-mini')).id, 'gpt-5-mini');
});

t.test('strict schemas are checked like strict structured outputs', async (t) => {
  const { client } = await setup(t);
  const refusal = async (schema: Record<string, unknown>, strict: boolean | undefined = true) => {
    const error = await rejection<APIError>(
      client.responses.create({
        ...analysisRequest('hi'),
        text: {
          format: { type: 'json_schema', name: 'call_analysis', schema, ...(strict === undefined ? {} : { strict }) },
        },
      }),
    );
    t.type(error, OpenAI.BadRequestError);
    return error;
  };

  const nested = await refusal({
    ...ANALYSIS_SCHEMA,
    required: [...ANALYSIS_SCHEMA.required, 'contact'],
    properties: {
      ...ANALYSIS_SCHEMA.properties,
      contact: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    },
  });
  t.equal(nested.code, 'invalid_json_schema');
  t.equal(nested.param, 'text.format.schema');
  t.match(nested.message, /call_analysis/);
  t.match(nested.message, /#\/properties\/contact/, 'names where the problem is');
  t.match(nested.message, /additionalProperties/);

  const notRequired = await refusal({
    ...ANALYSIS_SCHEMA,
    required: ANALYSIS_SCHEMA.required.filter((key) => key !== 'budget'),
  });
  t.equal(notRequired.code, 'invalid_json_schema');
  t.match(notRequired.message, /Missing 'budget'/);

  const arrayItems = await refusal({
    ...ANALYSIS_SCHEMA,
    properties: {
      ...ANALYSIS_SCHEMA.properties,
      objections: {
        type: 'array',
        items: { type: 'object', additionalProperties: false, properties: { text: { type: 'string' } } },
      },
    },
  });
  t.equal(arrayItems.code, 'invalid_json_schema');
  t.match(arrayItems.message, /#\/properties\/objections\/items/);

  const extra = await refusal({ ...ANALYSIS_SCHEMA, required: [...ANALYSIS_SCHEMA.required, 'ghost'] });
  t.match(extra.message, /Extra required key 'ghost'/);

  const rootArray = await refusal({ type: 'array', items: { type: 'string' } });
  t.equal(rootArray.code, 'invalid_json_schema');
  t.match(rootArray.message, /type: "object"/);

  const notStrict = await refusal({ ...ANALYSIS_SCHEMA }, false);
  t.equal(notStrict.param, 'text.format.strict');

  const effort = await rejection<APIError>(
    client.responses.create(
      analysisRequest('hi', 'prm_systemindividual@1', {
        reasoning: { effort: 'turbo' as 'low' },
      }),
    ),
  );
  t.type(effort, OpenAI.BadRequestError);
  t.equal(effort.code, 'invalid_value');
  t.equal(effort.param, 'reasoning.effort');
});

t.test('default output conforms to the request schema', async (t) => {
  const { fake, client } = await setup(t);
  const validate = new Ajv({ strict: true, allErrors: true }).compile(ANALYSIS_SCHEMA);

  const input = 'agent: Would this help your team?\nlead: Yes, I am interested, it would be great for us to try.';
  const response = await client.responses.create(analysisRequest(input));
  const output = JSON.parse(response.output_text);
  t.ok(validate(output), JSON.stringify(validate.errors));
  t.same(output, {
    summary: input.slice(0, 80),
    sentiment: 'positive',
    interestLevel: Math.min(10, Math.round(input.length / 20)),
    budget: 'unknown',
    timeline: 'unknown',
    decisionMaker: 'unknown',
    objections: [],
    nextSteps: [],
  });

  const negative = JSON.parse(
    (await client.responses.create(analysisRequest('lead: it is too expensive for us'))).output_text,
  );
  t.ok(validate(negative), JSON.stringify(validate.errors));
  t.equal(negative.sentiment, 'negative');
  const long = JSON.parse((await client.responses.create(analysisRequest('x'.repeat(1000)))).output_text);
  t.equal(long.interestLevel, 10, 'clamped to the maximum');
  t.equal(long.sentiment, 'neutral');

  t.equal(response.model, 'gpt-6-luna');
  t.equal(response.instructions, INSTRUCTIONS);
  t.same(response.text?.format, analysisRequest(input).text?.format, 'the format is echoed as sent');
  t.same(response.reasoning, { effort: null, summary: null });
  t.equal(response.temperature, 1);
  t.equal((response as unknown as { store: boolean }).store, false);
  t.same(response.metadata, { callsense_prompt: 'prm_systemindividual@1' });
  t.equal(response.service_tier, 'default');
  t.notOk(response.prompt, 'no stored prompt in the answer');

  // Without a format the answer is plain text: the small JSON analysis other tests rely on.
  const plain = await client.responses.create({ model: 'gpt-5-mini', input: 'yes please', store: false });
  t.equal(plain.output_text, defaultRespond('yes please'));
  t.same(plain.text?.format, { type: 'text' });
  t.equal(fake.count(), 4);
});

t.test('exampleOutput follows nested, nullable and referenced schemas', async (t) => {
  const schema = {
    type: 'object',
    additionalProperties: false,
    required: ['contact', 'score', 'ratio', 'note', 'tags', 'flag', 'stage', 'followUp', 'kind'],
    $defs: { stage: { type: 'string', enum: ['lead', 'opportunity'] } },
    properties: {
      contact: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'email'],
        properties: { name: { type: 'string' }, email: { type: ['string', 'null'] } },
      },
      score: { type: 'integer', minimum: 3, maximum: 5 },
      ratio: { type: 'number' },
      note: { anyOf: [{ type: 'null' }, { type: 'string' }] },
      tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
      flag: { type: 'boolean' },
      stage: { $ref: '#/$defs/stage' },
      followUp: { type: 'string', format: 'date' },
      kind: { const: 'analysis' },
    },
  };
  const output = exampleOutput(schema, 'no thanks');
  t.ok(new Ajv({ strict: false }).validate(schema, output));
  t.same(output, {
    contact: { name: 'n/a', email: 'n/a' },
    score: 3,
    ratio: 0,
    note: 'n/a',
    tags: ['n/a'],
    flag: false,
    stage: 'lead',
    followUp: '2026-01-01',
    kind: 'analysis',
  });
  t.same(
    exampleOutput({ type: 'object', properties: { sentiment: { type: 'string', enum: ['meh', 'bad'] } } }, 'yes'),
    {
      sentiment: 'meh',
    },
    'a sentiment outside the enum falls back to its first member',
  );
});

t.test('scripts by key, by key@version, and by default', async (t) => {
  const { fake, client } = await setup(t);
  const byKey: PromptScript = { respond: (input) => JSON.stringify({ by: 'key', input }) };
  fake.definePrompt('prm_systemindividual', byKey);
  fake.definePrompt('prm_systemindividual@3', {
    respond: (input, body) => JSON.stringify({ by: 'ref', model: body.model, input }),
    model: 'gpt-6-luna-2026-10-01',
  });

  const ask = async (prompt: string) =>
    client.responses.create({
      model: 'gpt-6-luna',
      instructions: INSTRUCTIONS,
      input: 'hi',
      metadata: { callsense_prompt: prompt },
    });

  t.same(JSON.parse((await ask('prm_systemindividual@2')).output_text), { by: 'key', input: 'hi' });
  const pinned = await ask('prm_systemindividual@3');
  t.same(JSON.parse(pinned.output_text), { by: 'ref', model: 'gpt-6-luna', input: 'hi' });
  t.equal(pinned.model, 'gpt-6-luna-2026-10-01', 'the script reports its model name');

  t.equal((await ask('prm_systemcomplete@1')).output_text, defaultRespond('hi'), 'built-in default');
  fake.setDefaultScript({ respond: () => 'default script' });
  t.equal((await ask('prm_systemcomplete@1')).output_text, 'default script');
  fake.setDefaultScript(null);

  fake.removePrompt('prm_systemindividual@3');
  t.same(JSON.parse((await ask('prm_systemindividual@3')).output_text).by, 'key', 'falls back to the key');

  t.equal(fake.count('prm_systemindividual'), 3);
  t.equal(fake.count('prm_systemindividual@3'), 2);
  t.equal(fake.count('prm_systemcomplete'), 2);
  t.equal(fake.count(), 5);
  t.same(
    fake.requests.map((r) => [r.promptKey, r.promptRef]),
    [
      ['prm_systemindividual', 'prm_systemindividual@2'],
      ['prm_systemindividual', 'prm_systemindividual@3'],
      ['prm_systemcomplete', 'prm_systemcomplete@1'],
      ['prm_systemcomplete', 'prm_systemcomplete@1'],
      ['prm_systemindividual', 'prm_systemindividual@3'],
    ],
  );

  fake.reset();
  t.equal(fake.count(), 0);
  t.same(JSON.parse((await ask('prm_systemindividual@1')).output_text).by, 'key', 'reset keeps scripts');
});

t.test('queued behaviours: 429 with Retry-After, outputs, ref queues first', async (t) => {
  const { fake, client } = await setup(t);
  const limited: Behavior = { status: 429, headers: { 'retry-after': '7' } };
  fake.enqueue('prm_systemindividual', limited, { output: '{"queued":true}' });
  fake.enqueue('prm_systemindividual@9', { output: '{"ref":true}' });

  const error = await rejection<APIError>(client.responses.create(analysisRequest('hi')));
  t.type(error, OpenAI.RateLimitError);
  t.equal(error.status, 429);
  t.equal(error.headers?.get('retry-after'), '7');
  t.equal(error.code, 'rate_limit_exceeded');

  t.equal((await client.responses.create(analysisRequest('hi', 'prm_systemindividual@9'))).output_text, '{"ref":true}');
  // An invalid request does not use up the queued output.
  await rejection(client.responses.create(analysisRequest('hi', 'prm_systemindividual@9', { model: 'nope' })));
  t.equal(
    (await client.responses.create(analysisRequest('hi', 'prm_systemindividual@9'))).output_text,
    '{"queued":true}',
  );
  t.equal(JSON.parse((await client.responses.create(analysisRequest('hi'))).output_text).summary, 'hi', 'queue empty');

  fake.setOutage({ status: 503 });
  const outage = await rejection<APIError>(client.responses.create(analysisRequest('hi')));
  t.type(outage, OpenAI.InternalServerError);
  t.equal(outage.status, 503);
  fake.setOutage(null);
  t.equal(fake.count('prm_systemindividual'), 6);
});

t.test('flex tier is echoed, and refused for models without it', async (t) => {
  const { fake, client } = await setup(t);
  const flex = await client.responses.create(analysisRequest('hi', 'prm_systemcomplete@2', { service_tier: 'flex' }));
  t.equal(flex.service_tier, 'flex');
  t.equal(fake.requests[0]?.serviceTier, 'flex');
  const auto = await client.responses.create(analysisRequest('hi', 'prm_systemcomplete@2', { service_tier: 'auto' }));
  t.equal(auto.service_tier, 'default');

  fake.defineModel('gpt-6-luna', { flex: false });
  const refused = await rejection<APIError>(
    client.responses.create(analysisRequest('hi', 'prm_systemcomplete@2', { service_tier: 'flex' })),
  );
  t.type(refused, OpenAI.BadRequestError);
  t.equal(refused.param, 'service_tier');

  const effort = await client.responses.create(
    analysisRequest('hi', 'prm_systemcomplete@2', {
      reasoning: { effort: 'xhigh' },
      temperature: 0.2,
      max_output_tokens: 500,
    }),
  );
  t.same(effort.reasoning, { effort: 'xhigh', summary: null });
  t.equal(effort.temperature, 0.2);
  t.equal(effort.max_output_tokens, 500);
});

t.test('usage is reported and recorded', async (t) => {
  const { fake, client } = await setup(t);
  const input = 'lead: we would love a demo next week';
  const response = await client.responses.create(analysisRequest(input));
  const expectedIn = Math.ceil((INSTRUCTIONS.length + input.length) / 4);
  const expectedOut = Math.ceil(response.output_text.length / 4);
  t.equal(response.usage?.input_tokens, expectedIn);
  t.equal(response.usage?.output_tokens, expectedOut);
  t.equal(response.usage?.total_tokens, expectedIn + expectedOut);
  const recorded = fake.requests[0];
  t.same(recorded?.usage, { inputTokens: expectedIn, outputTokens: expectedOut });
  t.equal(recorded?.model, 'gpt-6-luna');
  t.equal(recorded?.instructions, INSTRUCTIONS);
  t.equal(recorded?.input, input);
  t.equal(recorded?.serviceTier, undefined);
  t.type(recorded?.at, 'number');
});

t.test('delays, concurrency, and clients that give up', async (t) => {
  const { fake, client } = await setup(t);
  fake.definePrompt('prm_slowprompt', { delayMs: 150 });
  const started = Date.now();
  await Promise.all([1, 2, 3].map(() => client.responses.create(analysisRequest('hi', 'prm_slowprompt@1'))));
  t.ok(Date.now() - started >= 140, 'the script delay is waited');
  t.equal(fake.maxConcurrent('prm_slowprompt'), 3);
  t.equal(fake.maxConcurrent('prm_other'), 0);

  const controller = new AbortController();
  const pending = client.responses.create(analysisRequest('hi', 'prm_slowprompt@1'), { signal: controller.signal });
  setTimeout(() => controller.abort(), 30);
  t.type(await rejection(pending), OpenAI.APIUserAbortError);
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal(fake.count('prm_slowprompt'), 4, 'the abandoned request was recorded');
  t.equal(fake.requests[3]?.usage, undefined, 'and never answered');

  fake.enqueue('prm_slowprompt', { delayMs: 0 });
  const quick = Date.now();
  await client.responses.create(analysisRequest('hi', 'prm_slowprompt@1'));
  t.ok(Date.now() - quick < 140, "a queued behaviour's delay replaces the script's");
});
