// The demo organization: accounts, prompts, four months of leads and calls with their analyses, outcomes, the
// scoring models the weekly retraining would have trained, score histories and one finished prompt experiment.
//
// Deterministic: a fixed seed drives @faker-js/faker and every draw; ids come from the seed (ids.ts) and every
// time is relative to `now`, so the same `now` gives the same rows. No OpenAI or Temporal call is made: where a
// workflow would have written rows, the same rows are written here, and where the product has code for a step
// (training, scoring, score history, experiment evaluation, prompt checks), that code runs.
//
// The four months are replayed week by week: calls arrive (with their analysis, the lead's fold and, once a
// model exists, the lead's score), leads are closed, and every week the real training runs on the database as it
// stood then, so model versions, activations, insufficient-data runs and score histories are those the product
// would have produced.
import { Faker, en } from '@faker-js/faker';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from '../domain/accounts/organization.entity.js';
import { User } from '../domain/accounts/user.entity.js';
import { hashPassword } from '../domain/accounts/password.js';
import { newWebhookSecret } from '../domain/accounts/webhook-secret.js';
import { sealWebhookSecret } from '../domain/accounts/webhook-secret-sealing.js';
import type { SealingKeys } from '../domain/secrets/sealed.js';
import { AUDIT_ACTIONS, AuditEvent } from '../domain/audit/index.js';
import { Analysis } from '../domain/analyses/analysis.entity.js';
import { Call } from '../domain/calls/call.entity.js';
import { Lead, type LeadStatus, type PromptSource, type ScoreExplanation } from '../domain/leads/lead.entity.js';
import { ExperimentItem, PromptExperiment, type ExperimentResults } from '../domain/experiments/experiment.entity.js';
import type { PriceTable } from '../domain/experiments/prices.js';
import { experimentResults, type ResultItem } from '../domain/experiments/results.js';
import { BUILT_IN_PROMPTS } from '../domain/prompts/built-in-prompts.js';
import { PromptChange } from '../domain/prompts/prompt-change.entity.js';
import { schemaWarnings, versionErrors, type VersionInput } from '../domain/prompts/prompt-library.js';
import { organizationDefaultFor, resolvePromptLine, userPromptFor } from '../domain/prompts/prompt-resolver.js';
import { Prompt, PromptVersion } from '../domain/prompts/prompt.entity.js';
import { leadFeatures, summarizeCalls, type CallRow } from '../domain/scoring/features.js';
import type { ILeadScoringModel } from '../domain/scoring/lead-scoring-model.entity.js';
import { recordScoreChanges, type ScoreChange } from '../domain/scoring/score-history.js';
import { modelScoringUser } from '../domain/scoring/score-lead.js';
import { explainWith } from '../domain/scoring/stored-model.js';
import { trainUserModel, type TrainingOutcome } from '../domain/scoring/train-user-model.js';
import { TENANT_FILTER, VISIBILITY_FILTER } from '../domain/tenancy/filters.js';
import { callWorkflowId, experimentWorkflowId, leadWorkflowId } from '../temporal/ids.js';
import {
  analysisOf,
  drawFacts,
  foldAnalyses,
  looserReading,
  transcriptOf,
  type Analysis as Extraction,
  type Cast,
} from './conversation.js';
import { DAY_MS, daysBefore, demoToken, demoUuid, secondsAfter } from './ids.js';

// Any seed gives a plausible organization; this one was picked because its four active models land between 0.78
// and 0.92, well inside what the tests hold them to (above 0.6, below 0.99).
const DEMO_SEED = 1007;
export const DEMO_ORGANIZATION_NAME = 'Dispatchly (demo)';
export const DEMO_ADMIN_EMAIL = 'admin@demo.callsense.local';
export const DEMO_PASSWORD = 'demo-password';
/** The span the calls cover, ending at `now`. */
export const DEMO_DAYS = 120;
const LEADS = 450;
const MIN_CALLS = 1000;
/** Days between the weekly retraining runs, and how long before `now` the latest one ran. */
const RETRAIN_EVERY_DAYS = 7;
const LATEST_RETRAIN_DAYS_AGO = 2;
const EXPERIMENT_DAYS_AGO = 3;

export interface DemoOptions {
  /** Every time is relative to this (default: the current time; never later than it). */
  now?: Date | undefined;
  defaultModel: string;
  prices: PriceTable;
  minLeadsPerClass: number;
  /** Seals the organization's webhook secret, as every organization's is stored. */
  keys: SealingKeys;
  /** Another seed, another organization (default DEMO_SEED, the one the README and the tests describe). */
  seed?: number | undefined;
}

export interface DemoSummary {
  organizationId: string;
  leads: number;
  calls: number;
  won: number;
  lost: number;
  /** The active models: the organization's pooled one (`userId` null) and each rep's. */
  models: { userId: string | null; version: number; auc: number | null }[];
  experimentId: string;
  verdict: string;
}

interface Rep {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  /** The user's individual prompt setting (null: the organization's default). */
  setting: string | null;
}

interface StoredPrompt {
  promptId: string;
  promptName: string;
  version: number;
  source: PromptSource;
  model: string;
  instructionTokens: number;
}

interface DemoCall {
  id: string;
  callId: string;
  index: number;
  startedAt: Date;
  durationSeconds: number;
  createdAt: Date;
  analyzedAt: Date;
  foldedAt: Date;
  /** What the built-in prompt (or any faithful version) extracts; the stored analysis may be a looser reading. */
  faithful: Extraction;
  stored: Extraction;
  prompt: StoredPrompt;
  transcript: string;
  direction: 'inbound' | 'outbound';
}

interface DemoLead {
  id: string;
  externalId: string;
  name: string;
  phone: string;
  email: string;
  cast: Cast;
  rep: Rep;
  quality: number;
  calls: DemoCall[];
  outcome: 'WON' | 'LOST' | null;
  closedAt: Date | null;
  openStatus: LeadStatus;
  // The lead row as it stands at the replay's current time.
  status: LeadStatus;
  folded: Extraction[];
  completeAnalysisAt: Date | null;
  score: number | null;
  scoreModelVersion: number | null;
  scoreScope: 'user' | 'organization' | null;
  scoredAt: Date | null;
  scoreExplanation: ScoreExplanation | null;
  updatedAt: Date;
}

type Event = { at: Date; kind: 'call'; lead: DemoLead; call: DemoCall } | { at: Date; kind: 'close'; lead: DemoLead };

const SCHEMA = BUILT_IN_PROMPTS.individual.versions[0]!.outputSchema;

/** An EntityManager of the organization inside the caller's transaction (tenantEm would leave the transaction). */
function scopedEm(tx: EntityManager, organizationId: string): EntityManager {
  const em = tx.fork({ clear: true, keepTransactionContext: true });
  em.setFilterParams(TENANT_FILTER, { organizationId });
  em.setFilterParams(VISIBILITY_FILTER, { userId: 'organization', role: 'admin' });
  return em;
}

async function insertChunks<T extends object>(em: EntityManager, entity: unknown, rows: T[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    if (rows.length === 0) return;
    await em
      .createQueryBuilder(entity as typeof Call)
      .insert(rows.slice(i, i + 500) as never[])
      .execute('run');
  }
}

/**
 * Writes the demo organization inside `tx` (a transaction the caller holds; nothing is visible until it commits)
 * and returns what it wrote. The caller makes sure no demo organization exists yet.
 */
export async function generateDemo(tx: EntityManager, options: DemoOptions): Promise<DemoSummary> {
  const wallStart = new Date();
  const now = options.now ?? wallStart;
  // Rows the product's own code writes carry the wall clock; they are moved to the replay's time afterwards,
  // which needs every replayed time to be earlier than the wall clock.
  if (now.getTime() > wallStart.getTime()) throw new Error('The demo cannot be generated for a time in the future');
  const seed = options.seed ?? DEMO_SEED;
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  const id = (...name: (string | number)[]) => demoUuid(seed, ...name);
  const organizationId = id('organization');
  const em = scopedEm(tx, organizationId);
  const ago = (days: number) => daysBefore(now, days);

  // Accounts and prompts, as they were set up four months ago.
  const founded = ago(DEMO_DAYS + 6);
  const orgPromptId = `prm_demo${demoToken(seed, 16, 'organization-prompt')}`;
  const ownPromptId = `prm_demo${demoToken(seed, 16, 'own-prompt')}`;
  const admin = { id: id('user', 'admin'), email: DEMO_ADMIN_EMAIL, firstName: 'Dana', lastName: 'Whitfield' };
  const reps: Rep[] = [
    {
      id: id('user', 'rep', 0),
      email: 'sam@demo.callsense.local',
      firstName: 'Sam',
      lastName: 'Ortega',
      setting: BUILT_IN_PROMPTS.individual.id,
    },
    {
      id: id('user', 'rep', 1),
      email: 'priya@demo.callsense.local',
      firstName: 'Priya',
      lastName: 'Raman',
      setting: null,
    },
    {
      id: id('user', 'rep', 2),
      email: 'marcus@demo.callsense.local',
      firstName: 'Marcus',
      lastName: 'Webb',
      setting: ownPromptId,
    },
  ];
  await em.insert(Organization, {
    id: organizationId,
    name: DEMO_ORGANIZATION_NAME,
    // Random, unlike everything else: whoever knows it can post calls to the organization.
    webhookSecret: sealWebhookSecret(options.keys, organizationId, newWebhookSecret()),
    defaultIndividualPrompt: orgPromptId,
    defaultCompletePrompt: null,
    demo: true,
    createdAt: founded,
  });
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await em.insertMany(User, [
    { ...admin, organization: organizationId, role: 'admin' as const, passwordHash, createdAt: founded },
    ...reps.map((rep, i) => ({
      id: rep.id,
      organization: organizationId,
      email: rep.email,
      role: 'user' as const,
      firstName: rep.firstName,
      lastName: rep.lastName,
      passwordHash,
      openaiIndividualPromptId: rep.setting,
      createdAt: secondsAfter(founded, 600 * (i + 1)),
    })),
  ]);

  const v1: VersionInput = {
    instructions:
      'Summarise this sales call for {{organization.name}} and fill in the qualification fields.\n\n{{transcript}}',
    input: '',
    model: 'gpt-6-luna-mini',
    reasoningEffort: 'low',
    outputSchema: SCHEMA,
    note: 'First version: short instructions on the small model',
  };
  const v2: VersionInput = {
    instructions:
      'You analyse discovery and follow-up calls of {{organization.name}}, which sells scheduling software to ' +
      'field-service companies. Read the whole transcript. Mark the budget confirmed only when the customer names ' +
      'an approved amount, the timeline from what the customer says about starting, and the decision maker as ' +
      'involved only when the person who signs took part. List every objection the customer raised and the next ' +
      'steps both sides agreed on.',
    model: 'gpt-6-luna',
    reasoningEffort: 'medium',
    outputSchema: SCHEMA,
    note: 'Explicit rules for budget, timeline and decision maker',
  };
  const own: VersionInput = {
    instructions:
      'Analyse the call {{rep.firstName}} just had. Focus on whether the prospect can buy this quarter: budget, ' +
      'who signs, and what would stop them. Be strict: unknown unless the customer said it.',
    model: 'gpt-6-luna',
    reasoningEffort: 'low',
    outputSchema: SCHEMA,
    note: null,
  };
  for (const version of [v1, v2, own]) {
    const errors = versionErrors('individual', version);
    if (Object.keys(errors).length) throw new Error(`Demo prompt version refused: ${JSON.stringify(errors)}`);
  }
  const v1At = ago(DEMO_DAYS + 2);
  const v2At = ago(55);
  const ownAt = ago(DEMO_DAYS - 20);
  const marcus = reps[2]!;
  await em.insertMany(Prompt, [
    {
      id: orgPromptId,
      organization: organizationId,
      name: 'Discovery call analysis',
      kind: 'individual' as const,
      description: 'The organization default for call analyses',
      createdById: admin.id,
      createdByEmail: admin.email,
      latestVersion: 2,
      labels: { production: 2, previous: 1 },
      createdAt: v1At,
      updatedAt: v2At,
    },
    {
      id: ownPromptId,
      organization: organizationId,
      name: "Marcus's qualification check",
      kind: 'individual' as const,
      description: 'Strict qualification fields',
      createdById: marcus.id,
      createdByEmail: marcus.email,
      latestVersion: 1,
      labels: { production: 1 },
      createdAt: ownAt,
      updatedAt: ownAt,
    },
  ]);
  const versionRow = (promptId: string, version: number, input: VersionInput, by: { id: string; email: string }) => ({
    id: id('prompt-version', promptId, version),
    prompt: promptId,
    version,
    organization: organizationId,
    instructions: input.instructions,
    input: input.input || null,
    model: input.model,
    reasoningEffort: input.reasoningEffort ?? null,
    temperature: null,
    maxOutputTokens: null,
    outputSchema: input.outputSchema,
    note: input.note ?? null,
    createdById: by.id,
    createdByEmail: by.email,
    warnings: schemaWarnings(input.outputSchema),
  });
  await em.insertMany(PromptVersion, [
    { ...versionRow(orgPromptId, 1, v1, admin), createdAt: v1At },
    { ...versionRow(orgPromptId, 2, v2, admin), createdAt: v2At },
    { ...versionRow(ownPromptId, 1, own, marcus), createdAt: ownAt },
  ]);
  await em.insertMany(PromptChange, [
    {
      id: id('prompt-change', 'sam'),
      organization: organizationId,
      targetUser: reps[0]!.id,
      actor: reps[0]!.id,
      actorEmail: reps[0]!.email,
      field: 'openai_individual_prompt_id' as const,
      oldValue: null,
      newValue: reps[0]!.setting,
      changedAt: secondsAfter(v1At, 7200),
    },
    {
      id: id('prompt-change', 'marcus'),
      organization: organizationId,
      targetUser: marcus.id,
      actor: marcus.id,
      actorEmail: marcus.email,
      field: 'openai_individual_prompt_id' as const,
      oldValue: null,
      newValue: ownPromptId,
      changedAt: secondsAfter(ownAt, 600),
    },
  ]);
  const audit = (key: string, at: Date, actor: { id: string; email: string }, action: string, rest: object) => ({
    id: id('audit', key),
    organization: organizationId,
    actorId: actor.id,
    actorEmail: actor.email,
    targetType: null as string | null,
    targetId: null as string | null,
    details: {},
    ...rest,
    action,
    at,
  });
  const auditRows = [
    ...reps.map((rep, i) =>
      audit(`user-${i}`, secondsAfter(founded, 600 * (i + 1)), admin, AUDIT_ACTIONS.userCreated, {
        targetType: 'user',
        targetId: rep.id,
        details: { email: rep.email, role: 'user' },
      }),
    ),
    audit('prompt-created', v1At, admin, AUDIT_ACTIONS.promptCreated, {
      targetType: 'prompt',
      targetId: orgPromptId,
      details: { name: 'Discovery call analysis', kind: 'individual', model: v1.model },
    }),
    audit('defaults', secondsAfter(v1At, 300), admin, AUDIT_ACTIONS.promptDefaultsChanged, {
      targetType: 'organization',
      targetId: organizationId,
      details: { defaultIndividualPrompt: orgPromptId },
    }),
    audit('sam-setting', secondsAfter(v1At, 7200), reps[0]!, AUDIT_ACTIONS.promptChanged, {
      targetType: 'user',
      targetId: reps[0]!.id,
      details: { field: 'openai_individual_prompt_id', oldValue: null, newValue: reps[0]!.setting },
    }),
    audit('own-created', ownAt, marcus, AUDIT_ACTIONS.promptCreated, {
      targetType: 'prompt',
      targetId: ownPromptId,
      details: { name: "Marcus's qualification check", kind: 'individual', model: own.model },
    }),
    audit('marcus-setting', secondsAfter(ownAt, 600), marcus, AUDIT_ACTIONS.promptChanged, {
      targetType: 'user',
      targetId: marcus.id,
      details: { field: 'openai_individual_prompt_id', oldValue: null, newValue: ownPromptId },
    }),
    audit('v2', v2At, admin, AUDIT_ACTIONS.promptVersionCreated, {
      targetType: 'prompt',
      targetId: orgPromptId,
      details: { version: 2, model: v2.model, note: v2.note },
    }),
    audit('v2-production', secondsAfter(v2At, 900), admin, AUDIT_ACTIONS.promptLabelMoved, {
      targetType: 'prompt',
      targetId: orgPromptId,
      details: { label: 'production', version: 2, previousVersion: 1 },
    }),
  ];

  // The prompts each rep's calls ran, as the resolution line gives them today (checked below) and before v2.
  const builtIn = BUILT_IN_PROMPTS.individual;
  const complete = BUILT_IN_PROMPTS.complete;
  const promptFor = (rep: Rep, at: Date): StoredPrompt => {
    if (rep === reps[0])
      return {
        promptId: builtIn.id,
        promptName: builtIn.name,
        version: builtIn.versions.length,
        source: 'user',
        model: options.defaultModel,
        instructionTokens: 650,
      };
    if (rep === marcus)
      return {
        promptId: ownPromptId,
        promptName: "Marcus's qualification check",
        version: 1,
        source: 'user',
        model: own.model,
        instructionTokens: 120,
      };
    const first = at < v2At;
    return {
      promptId: orgPromptId,
      promptName: 'Discovery call analysis',
      version: first ? 1 : 2,
      source: 'organization',
      model: first ? v1.model : v2.model,
      instructionTokens: first ? 40 : 160,
    };
  };
  for (const rep of reps) {
    const line = await resolvePromptLine(
      em,
      {
        user: userPromptFor({ openaiIndividualPromptId: rep.setting }, 'individual'),
        organization: organizationDefaultFor({ defaultIndividualPrompt: orgPromptId }, 'individual'),
      },
      'individual',
      options.defaultModel,
    );
    const expected = promptFor(rep, now);
    const first = line.candidates[0]!;
    if (first.promptId !== expected.promptId || first.version !== expected.version || first.source !== expected.source)
      throw new Error(`The demo's prompt for ${rep.email} is not what its settings resolve to`);
  }

  // Leads, their calls and outcomes, drawn from each lead's hidden quality.
  const leads: DemoLead[] = [];
  const competitors = ['ServiceTitan', 'Jobber', 'Housecall Pro', 'FieldEdge'];
  for (let i = 0; i < LEADS; i++) {
    const rep = reps[i % reps.length]!;
    const quality = faker.number.float({ min: -1, max: 1 }) * 1.2 + (faker.number.float({ min: -1, max: 1 }) * 1.2) / 2;
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const company = faker.company.name();
    const cast: Cast = {
      repFirstName: rep.firstName,
      contactFirstName: firstName,
      contactLastName: lastName,
      company,
      technicians: faker.number.int({ min: 4, max: 120 }),
      bossFirstName: faker.person.firstName('female'),
      competitor: faker.helpers.arrayElement(competitors),
    };
    const firstDaysAgo = faker.number.float({ min: 0.3, max: DEMO_DAYS - 1 });
    const wanted = Math.max(
      1,
      Math.min(6, Math.round(3.3 + 0.7 * quality + faker.number.float({ min: -1.4, max: 1.4 }))),
    );
    const lead: DemoLead = {
      id: id('lead', i),
      externalId: `crm-${20_417 + i * 7}`,
      name: `${firstName} ${lastName}`,
      phone: faker.phone.number({ style: 'international' }),
      email: faker.internet.email({ firstName, lastName, provider: `${faker.internet.domainWord()}.example` }),
      cast,
      rep,
      quality,
      calls: [],
      outcome: null,
      closedAt: null,
      openStatus: 'NEW',
      status: 'NEW',
      folded: [],
      completeAnalysisAt: null,
      score: null,
      scoreModelVersion: null,
      scoreScope: null,
      scoredAt: null,
      scoreExplanation: null,
      updatedAt: ago(firstDaysAgo),
    };
    let daysAgo = firstDaysAgo;
    let previous = null;
    for (let c = 0; c < wanted && daysAgo > 0.05; c++) {
      // Offsets from `now` only (no calendar alignment): any `now` gives the same data, shifted in time.
      const startedAt = secondsAfter(ago(daysAgo), 0);
      if (startedAt.getTime() > now.getTime() - 3_600_000) break;
      const facts = drawFacts(faker, quality, c + 1, previous);
      previous = facts;
      const faithful = analysisOf(faker, cast, facts);
      const durationSeconds = Math.round(240 + 90 * facts.interestLevel + faker.number.int({ max: 420 }));
      const createdAt = secondsAfter(startedAt, durationSeconds + faker.number.int({ min: 3, max: 40 }));
      const analyzedAt = secondsAfter(createdAt, faker.number.float({ min: 6, max: 28 }));
      const prompt = promptFor(rep, createdAt);
      const stored =
        prompt.promptId === orgPromptId && prompt.version === 1 ? looserReading(faker, faithful) : faithful;
      lead.calls.push({
        id: id('call', i, c),
        callId: `call_${demoToken(seed, 24, 'call', i, c)}`,
        index: c,
        startedAt,
        durationSeconds,
        createdAt,
        analyzedAt,
        foldedAt: secondsAfter(analyzedAt, faker.number.float({ min: 31, max: 75 })),
        faithful,
        stored,
        prompt,
        transcript: transcriptOf(faker, cast, facts, faithful),
        direction: c === 0 && faker.datatype.boolean() ? 'inbound' : 'outbound',
      });
      daysAgo -= faker.number.float({ min: 1, max: 9 });
    }
    const last = lead.calls[lead.calls.length - 1]!;
    const idleDays = (now.getTime() - last.startedAt.getTime()) / DAY_MS;
    // Leads that went quiet get closed; the outcome follows the hidden quality, so it can be learned.
    const closes = faker.number.float({ min: 0, max: 1 }) < (idleDays > 20 ? 0.9 : idleDays > 8 ? 0.55 : 0.12);
    if (closes && idleDays > 1) {
      const closedAt = secondsAfter(
        last.foldedAt,
        faker.number.float({ min: 0.5, max: Math.min(12, idleDays - 0.1) }) * 86_400,
      );
      if (closedAt < now) {
        const winProbability = 1 / (1 + Math.exp(-(1.9 * quality - 0.4)));
        lead.outcome = faker.number.float({ min: 0, max: 1 }) < winProbability ? 'WON' : 'LOST';
        lead.closedAt = closedAt;
      }
    }
    lead.openStatus = lead.calls.length === 1 ? 'NEW' : quality > 0.3 ? 'QUALIFIED' : 'CONTACTED';
    lead.status = lead.openStatus;
    leads.push(lead);
  }
  const callCount = leads.reduce((sum, lead) => sum + lead.calls.length, 0);
  if (callCount < MIN_CALLS) throw new Error(`The demo drew ${callCount} calls, fewer than ${MIN_CALLS}`);

  // The replay: events in time order, a retraining run every week.
  const events: Event[] = [];
  for (const lead of leads) {
    for (const call of lead.calls) events.push({ at: call.foldedAt, kind: 'call', lead, call });
    if (lead.closedAt) events.push({ at: lead.closedAt, kind: 'close', lead });
  }
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.kind === b.kind ? 0 : a.kind === 'call' ? -1 : 1));
  const retrains: Date[] = [];
  for (let days = LATEST_RETRAIN_DAYS_AGO; days < DEMO_DAYS; days += RETRAIN_EVERY_DAYS) retrains.unshift(ago(days));

  const active = new Map<string, ILeadScoringModel | null>();
  let pendingCalls: { lead: DemoLead; call: DemoCall }[] = [];
  let pendingScores: ScoreChange[] = [];
  const dirty = new Set<DemoLead>();
  const callRows = (lead: DemoLead, upTo: number): CallRow[] =>
    lead.calls.slice(0, upTo + 1).map((c) => ({ durationSeconds: c.durationSeconds, startedAt: c.startedAt }));

  const onCall = (lead: DemoLead, call: DemoCall) => {
    pendingCalls.push({ lead, call });
    lead.folded.push(call.stored);
    lead.completeAnalysisAt = call.foldedAt;
    lead.updatedAt = call.foldedAt;
    dirty.add(lead);
    // The lead workflow scores the lead after each fold with the model that applies to it then.
    const model = active.get(lead.rep.id);
    if (!model || lead.status === 'WON' || lead.status === 'LOST') return;
    const features = leadFeatures(foldAnalyses(lead.cast, lead.folded), summarizeCalls(callRows(lead, call.index)));
    const explained = explainWith(model, features);
    const changed =
      lead.score === null ||
      lead.score !== explained.score ||
      lead.scoreModelVersion !== model.version ||
      lead.scoreScope !== model.scope;
    lead.score = explained.score;
    lead.scoreModelVersion = model.version;
    lead.scoreScope = model.scope;
    lead.scoredAt = call.foldedAt;
    lead.scoreExplanation = { intercept: explained.intercept, contributions: explained.contributions };
    if (changed)
      pendingScores.push({
        organizationId,
        leadId: lead.id,
        score: explained.score,
        modelVersion: model.version,
        scope: model.scope,
        cause: 'analysis',
        at: call.foldedAt,
      });
  };

  const flush = async () => {
    const callInserts = [];
    const analysisInserts = [];
    for (const { lead, call } of pendingCalls) {
      const workflowId = callWorkflowId(organizationId, call.callId);
      const usageOf = (prompt: StoredPrompt, text: string, answer: object) => ({
        inputTokens: prompt.instructionTokens + 90 + Math.ceil(text.length / 4),
        outputTokens: 40 + Math.ceil(JSON.stringify(answer).length / 4),
      });
      callInserts.push({
        id: call.id,
        organization: organizationId,
        callId: call.callId,
        source: 'callsense' as const,
        lead: lead.id,
        user: lead.rep.id,
        transcript: call.transcript,
        startedAt: call.startedAt,
        durationSeconds: call.durationSeconds,
        metadata: { direction: call.direction },
        status: 'analyzed' as const,
        analysis: call.stored,
        promptId: call.prompt.promptId,
        promptSource: call.prompt.source,
        promptName: call.prompt.promptName,
        promptVersion: call.prompt.version,
        fallbackReason: null,
        model: call.prompt.model,
        workflowId,
        error: null,
        createdAt: call.createdAt,
        analyzedAt: call.analyzedAt,
        foldedAt: call.foldedAt,
      });
      const usage = usageOf(call.prompt, call.transcript, call.stored);
      analysisInserts.push({
        id: id('analysis', call.id),
        organization: organizationId,
        kind: 'individual' as const,
        outcome: 'succeeded' as const,
        callId: call.id,
        leadId: null,
        userId: lead.rep.id,
        analysis: call.stored,
        promptId: call.prompt.promptId,
        promptName: call.prompt.promptName,
        promptSource: call.prompt.source,
        promptVersion: call.prompt.version,
        fallbackReason: null,
        model: call.prompt.model,
        fallback: false,
        ...usage,
        latencyMs: 900 + usage.outputTokens * 9 + (call.durationSeconds % 700),
        error: null,
        runKey: `${workflowId}:${id('run', call.id)}:individual`,
        createdAt: call.analyzedAt,
      });
      const folded = foldAnalyses(lead.cast, lead.folded.slice(0, call.index + 1));
      const foldPrompt: StoredPrompt = {
        promptId: complete.id,
        promptName: complete.name,
        version: complete.versions.length,
        source: 'system',
        model: options.defaultModel,
        instructionTokens: 700,
      };
      const foldUsage = usageOf(foldPrompt, JSON.stringify(lead.folded.slice(0, call.index + 1)), folded);
      analysisInserts.push({
        id: id('fold', call.id),
        organization: organizationId,
        kind: 'complete' as const,
        outcome: 'succeeded' as const,
        callId: null,
        leadId: lead.id,
        userId: lead.rep.id,
        analysis: folded,
        promptId: foldPrompt.promptId,
        promptName: foldPrompt.promptName,
        promptSource: foldPrompt.source,
        promptVersion: foldPrompt.version,
        fallbackReason: null,
        model: foldPrompt.model,
        fallback: false,
        ...foldUsage,
        latencyMs: 1100 + foldUsage.outputTokens * 9,
        error: null,
        runKey: `${leadWorkflowId(organizationId, lead.id)}:${id('lead-run', call.id)}:${call.index * 3 + 2}:complete`,
        createdAt: call.foldedAt,
      });
    }
    const leadRows = [...dirty].map((lead) => {
      const last = lead.folded.length;
      const completeAnalysis = last ? foldAnalyses(lead.cast, lead.folded) : null;
      const row = {
        id: lead.id,
        organization: organizationId,
        externalId: lead.externalId,
        name: lead.name,
        phone: lead.phone,
        email: lead.email,
        status: lead.status,
        assignedTo: lead.rep.id,
        score: lead.score,
        scoreModelVersion: lead.scoreModelVersion,
        scoreScope: lead.scoreScope,
        scoredAt: lead.scoredAt,
        scoreExplanation: lead.scoreExplanation,
        completeAnalysis,
        completeAnalysisPromptId: completeAnalysis ? complete.id : null,
        completeAnalysisPromptSource: completeAnalysis ? ('system' as const) : null,
        completeAnalysisPromptName: completeAnalysis ? complete.name : null,
        completeAnalysisPromptVersion: completeAnalysis ? complete.versions.length : null,
        completeAnalysisModel: completeAnalysis ? options.defaultModel : null,
        completeAnalysisAt: lead.completeAnalysisAt,
        callCount: last,
        createdAt: lead.calls[0]!.createdAt,
        updatedAt: lead.updatedAt,
      };
      return row;
    });
    // Leads first (calls point at them), then calls, then the analyses and score history.
    for (let i = 0; i < leadRows.length; i += 500)
      await em
        .createQueryBuilder(Lead)
        .insert(leadRows.slice(i, i + 500) as never[])
        .onConflict('id')
        .merge()
        .execute('run');
    await insertChunks(em, Call, callInserts);
    await insertChunks(em, Analysis, analysisInserts);
    await recordScoreChanges(em, pendingScores);
    pendingCalls = [];
    pendingScores = [];
    dirty.clear();
  };

  // The product's own writes (training, re-scoring) carry the wall clock: move them to when the run happened.
  const backdate = async (at: Date) => {
    const params = [at, organizationId, wallStart];
    await em.execute(
      'update lead_scoring_models set trained_at = ?, created_at = ? where organization_id = ? and created_at >= ?',
      [at, ...params],
    );
    await em.execute(
      'update lead_scoring_models set updated_at = ? where organization_id = ? and updated_at >= ?',
      params,
    );
    await em.execute('update scoring_runs set at = ? where organization_id = ? and at >= ?', params);
    await em.execute('update lead_score_history set at = ? where organization_id = ? and at >= ?', params);
    await em.execute('update leads set scored_at = ?, updated_at = ? where organization_id = ? and scored_at >= ?', [
      at,
      ...params,
    ]);
  };

  const retrain = async (at: Date) => {
    await flush();
    const owners: (Rep | null)[] = [null, ...reps];
    const outcomes: TrainingOutcome[] = [];
    for (const [i, owner] of owners.entries()) {
      outcomes.push(
        await trainUserModel(em, {
          organizationId,
          userId: owner?.id ?? null,
          minLeadsPerClass: options.minLeadsPerClass,
        }),
      );
      await backdate(secondsAfter(at, 45 * i));
    }
    for (const rep of reps) active.set(rep.id, await modelScoringUser(em, organizationId, rep.id));
    // Re-scoring changed open leads in the database: the replay continues from there.
    const rows = await em.execute<
      {
        id: string;
        score: number | string | null;
        score_model_version: number | null;
        score_scope: 'user' | 'organization' | null;
        scored_at: Date | string | null;
        score_explanation: ScoreExplanation | null;
        updated_at: Date | string;
      }[]
    >(
      `select id, score, score_model_version, score_scope, scored_at, score_explanation, updated_at from leads
        where organization_id = ? and status not in ('WON', 'LOST')`,
      [organizationId],
    );
    const byId = new Map(leads.map((lead) => [lead.id, lead]));
    for (const row of rows) {
      const lead = byId.get(row.id)!;
      lead.score = row.score === null ? null : Number(row.score);
      lead.scoreModelVersion = row.score_model_version;
      lead.scoreScope = row.score_scope;
      lead.scoredAt = row.scored_at === null ? null : new Date(row.scored_at);
      lead.scoreExplanation = row.score_explanation;
      lead.updatedAt = new Date(row.updated_at);
    }
    return outcomes;
  };

  let next = 0;
  for (const at of [...retrains, now]) {
    for (; next < events.length && events[next]!.at <= at; next++) {
      const event = events[next]!;
      if (event.kind === 'call') onCall(event.lead, event.call);
      else {
        event.lead.status = event.lead.outcome!;
        event.lead.updatedAt = event.at;
        dirty.add(event.lead);
      }
    }
    if (at === now) await flush();
    else await retrain(at);
  }

  // The prompt experiment: version 1 against version 2 of the organization's prompt, replayed on recent outcomes.
  const experiment = await writeExperiment({
    em,
    faker,
    id,
    organizationId,
    admin,
    leads,
    promptId: orgPromptId,
    createdAt: ago(EXPERIMENT_DAYS_AGO),
    options,
  });
  auditRows.push(
    audit('experiment', ago(EXPERIMENT_DAYS_AGO), admin, AUDIT_ACTIONS.experimentStarted, {
      targetType: 'prompt',
      targetId: orgPromptId,
      details: {
        experimentId: experiment.id,
        baselineVersion: 1,
        candidateVersion: 2,
        maxLeads: 200,
        serviceTier: 'flex',
      },
    }),
  );
  await em.insertMany(AuditEvent, auditRows);

  const models = await em.execute<{ user_id: string | null; version: number; auc: number | null }[]>(
    `select user_id, version, auc from lead_scoring_models where organization_id = ? and active
      order by user_id nulls first`,
    [organizationId],
  );
  return {
    organizationId,
    leads: leads.length,
    calls: callCount,
    won: leads.filter((lead) => lead.outcome === 'WON').length,
    lost: leads.filter((lead) => lead.outcome === 'LOST').length,
    models: models.map((m) => ({ userId: m.user_id, version: m.version, auc: m.auc === null ? null : Number(m.auc) })),
    experimentId: experiment.id,
    verdict: experiment.verdict,
  };
}

/**
 * One finished experiment, its items written as promptExperimentWorkflow writes them (an arm's stored analyses
 * reused, the rest extracted) and its results computed as the evaluation activity computes them.
 */
async function writeExperiment(input: {
  em: EntityManager;
  faker: Faker;
  id: (...name: (string | number)[]) => string;
  organizationId: string;
  admin: { id: string; email: string };
  leads: DemoLead[];
  promptId: string;
  createdAt: Date;
  options: DemoOptions;
}): Promise<{ id: string; verdict: string }> {
  const { em, faker, id, organizationId, leads, promptId, createdAt, options } = input;
  const experimentId = id('experiment');
  const maxLeads = 200;
  // sampleLeads: the most recent WON/LOST leads with a call, newest last call first, ties by id.
  const lastCall = (lead: DemoLead) => lead.calls[lead.calls.length - 1]!.startedAt.getTime();
  const sample = leads
    .filter((lead) => lead.closedAt && lead.closedAt < createdAt)
    .sort((a, b) => lastCall(b) - lastCall(a) || a.id.localeCompare(b.id))
    .slice(0, maxLeads);
  const arms = [
    { arm: 'baseline' as const, version: 1, model: 'gpt-6-luna-mini' },
    { arm: 'candidate' as const, version: 2, model: 'gpt-6-luna' },
  ];
  const items: Record<string, unknown>[] = [];
  let minute = 0;
  for (const { arm, version, model } of arms) {
    for (const lead of [...sample].sort((a, b) => a.id.localeCompare(b.id))) {
      const extractions: Extraction[] = [];
      for (const call of [...lead.calls].sort((a, b) => a.id.localeCompare(b.id))) {
        const reused = call.prompt.promptId === promptId && call.prompt.version === version;
        const analysis = reused ? call.stored : version === 1 ? looserReading(faker, call.faithful) : call.faithful;
        extractions.push(analysis);
        const inputTokens = (version === 1 ? 130 : 250) + Math.ceil(call.transcript.length / 4);
        const outputTokens = 40 + Math.ceil(JSON.stringify(analysis).length / 4);
        items.push({
          id: id('experiment-item', arm, call.id),
          organization: organizationId,
          experiment: experimentId,
          key: `${arm}:individual:${call.id}`,
          arm,
          kind: 'individual',
          callId: call.id,
          leadId: lead.id,
          status: 'done',
          reused,
          analysis,
          valid: true,
          error: null,
          model: reused ? null : model,
          inputTokens: reused ? null : inputTokens,
          outputTokens: reused ? null : outputTokens,
          latencyMs: reused ? null : 700 + outputTokens * (version === 1 ? 5 : 11),
          attempts: reused ? 0 : 1,
          createdAt,
        });
      }
      const folded = foldAnalyses(lead.cast, extractions);
      const outputTokens = 40 + Math.ceil(JSON.stringify(folded).length / 4);
      items.push({
        id: id('experiment-item', arm, lead.id),
        organization: organizationId,
        experiment: experimentId,
        key: `${arm}:complete:${lead.id}`,
        arm,
        kind: 'complete',
        callId: null,
        leadId: lead.id,
        status: 'done',
        reused: false,
        analysis: folded,
        valid: true,
        error: null,
        model: options.defaultModel,
        inputTokens: 790 + Math.ceil(JSON.stringify(extractions).length / 4),
        outputTokens,
        latencyMs: 1100 + outputTokens * 9,
        attempts: 1,
        createdAt,
      });
      minute++;
    }
  }

  // The evaluation activity's own computation over the generated items.
  const results: ExperimentResults = experimentResults({
    kind: 'individual',
    items: items as unknown as ResultItem[],
    leads: sample.map((lead) => ({
      id: lead.id,
      won: lead.outcome === 'WON',
      calls: lead.calls.map((c) => ({ durationSeconds: c.durationSeconds, startedAt: c.startedAt })),
    })),
    sharedFields: Object.keys((SCHEMA.properties as object | undefined) ?? {}),
    prices: options.prices,
    tier: 'flex',
  });
  await em.insert(PromptExperiment, {
    id: experimentId,
    organization: organizationId,
    promptId,
    kind: 'individual',
    baselineVersion: 1,
    candidateVersion: 2,
    since: null,
    until: null,
    maxLeads,
    serviceTier: 'flex',
    foldPromptId: BUILT_IN_PROMPTS.complete.id,
    foldPromptVersion: BUILT_IN_PROMPTS.complete.versions.length,
    status: 'completed',
    total: items.length,
    results,
    error: null,
    workflowId: experimentWorkflowId(organizationId, experimentId),
    createdById: input.admin.id,
    createdByEmail: input.admin.email,
    createdAt,
    completedAt: secondsAfter(createdAt, 60 * (8 + Math.round(minute / 20))),
  });
  await insertChunks(em, ExperimentItem, items);
  return { id: experimentId, verdict: results.verdict };
}
