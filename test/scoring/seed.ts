// The scoring tests' setup: a stack with an organization and a rep, synthetic leads (and calls) written straight
// to the database through the tenant em, and the training runs started through the API.
import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import type { Orm } from '../../src/db/orm.js';
import { Lead, type LeadStatus } from '../../src/domain/leads/lead.entity.js';
import { Call } from '../../src/domain/calls/call.entity.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import type { TrainingOutcome } from '../../src/domain/scoring/train-user-model.js';
import type { WeeklyScoringResult } from '../../src/workflows/scoring.js';
import { startStack, type Stack } from '../support/harness.js';
import { addUser, as, signup, type Account } from '../support/api.js';
import { random, seededUuid } from '../support/random.js';

/** A stack whose training needs `minLeadsPerClass` WON and as many LOST leads, with one organization and a rep in it. */
export async function startScoringStack(t: Test, minLeadsPerClass: number) {
  const stack = await startStack(t, { env: { SCORING_MIN_LEADS_PER_CLASS: String(minLeadsPerClass) } });
  const admin = await signup(stack.app);
  const rep = await addUser(stack.app, admin);
  return { stack, admin, rep, org: admin.organization.id };
}

export interface LeadSpec {
  /** A fixed id makes the (id-hashed) holdout split, and so every metric, the same on every run. */
  id?: string;
  status: LeadStatus;
  analysis?: Record<string, unknown> | null;
  calls?: { durationSeconds?: number | null; startedAt?: Date | null }[];
  score?: number | null;
}

/** Inserts the leads (and their calls) for one user of one organization; returns the lead ids in order. */
export async function insertLeads(
  orm: Orm,
  organizationId: string,
  userId: string,
  specs: LeadSpec[],
): Promise<string[]> {
  const em = tenantEm(orm.em, organizationId);
  const ids: string[] = [];
  for (const spec of specs) {
    const lead = em.create(Lead, {
      ...(spec.id ? { id: spec.id } : {}),
      organization: organizationId,
      externalId: `crm-${randomUUID()}`,
      status: spec.status,
      assignedTo: userId,
      completeAnalysis: spec.analysis ?? null,
      callCount: spec.calls?.length ?? 0,
      score: spec.score ?? null,
    });
    for (const call of spec.calls ?? []) {
      em.create(Call, {
        organization: organizationId,
        callId: `prov-${randomUUID()}`,
        lead: lead.id,
        user: userId,
        transcript: 'synthetic',
        durationSeconds: call.durationSeconds ?? null,
        startedAt: call.startedAt ?? null,
        status: 'analyzed',
        workflowId: `synthetic:${randomUUID()}`,
      });
    }
    ids.push(lead.id);
  }
  await em.flush();
  return ids;
}

/** Writes the analysis fields that carry a lead's outcome (isWon), drawing any noise from rand. */
export type Signal = (isWon: boolean, rand: () => number) => Record<string, unknown>;

/** Positive sentiment on every WON lead, negative on every LOST one. */
export const sentimentDecides: Signal = (isWon) => ({ sentiment: isWon ? 'positive' : 'negative' });
/** A confirmed budget on every WON lead, none on every LOST one. */
export const budgetDecides: Signal = (isWon) => ({ budget: isWon });

/**
 * `won` WON and `lost` LOST leads whose outcome follows one signal: `signal(isWon, rand)` writes the
 * analysis fields that carry it; the other fields are noise shared by both classes.
 */
export function outcomeLeads(won: number, lost: number, seed: number, signal: Signal): LeadSpec[] {
  const rand = random(seed);
  const noise = () => ({
    sentiment: rand() < 0.5 ? 'positive' : 'negative',
    budget: rand() < 0.5,
    decisionMaker: rand() < 0.5,
    interestLevel: Math.round(rand() * 10),
    summary: 'synthetic lead',
  });
  const lead = (isWon: boolean): LeadSpec => ({
    id: seededUuid(rand),
    status: isWon ? 'WON' : 'LOST',
    analysis: { ...noise(), ...signal(isWon, rand) },
  });
  return [...Array.from({ length: won }, () => lead(true)), ...Array.from({ length: lost }, () => lead(false))];
}

/** Inserts `outcomeLeads(won, lost, seed, signal)` for the account in its own organization; returns their ids. */
export function insertOutcomeLeads(
  orm: Orm,
  account: Account,
  won: number,
  lost: number,
  seed: number,
  signal: Signal,
) {
  return insertLeads(orm, account.organization.id, account.user.id, outcomeLeads(won, lost, seed, signal));
}

/** POST /ai/scoring/optimize as the account, then the training workflow's outcome. */
export async function optimize(stack: Stack, account: Account): Promise<TrainingOutcome> {
  const res = await as(stack.app, account).post('/ai/scoring/optimize');
  if (res.statusCode !== 202) throw new Error(`optimize: ${res.statusCode} ${res.body}`);
  return stack.temporal.client.workflow.getHandle(res.json().workflowId).result();
}

/** POST /admin/scoring/run as the admin, then the organization run's result. */
export async function runOrganization(stack: Stack, admin: Account): Promise<WeeklyScoringResult> {
  const res = await as(stack.app, admin).post('/admin/scoring/run');
  if (res.statusCode !== 202) throw new Error(`admin run: ${res.statusCode} ${res.body}`);
  return stack.temporal.client.workflow.getHandle(res.json().workflowId).result();
}
