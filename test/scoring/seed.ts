// Synthetic leads (and calls) for the scoring tests, written straight to the database through the tenant em.
import { randomUUID } from 'node:crypto';
import type { Orm } from '../../src/db/orm.js';
import { Lead, type LeadStatus } from '../../src/domain/leads/lead.entity.js';
import { Call } from '../../src/domain/calls/call.entity.js';
import { tenantEm } from '../../src/domain/tenancy/tenant-em.js';
import { random, seededUuid } from '../support/random.js';

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

/**
 * `won` WON and `lost` LOST leads whose outcome follows one signal: `signal(isWon, rand)` writes the
 * analysis fields that carry it; the other fields are noise shared by both classes.
 */
export function outcomeLeads(
  won: number,
  lost: number,
  seed: number,
  signal: (isWon: boolean, rand: () => number) => Record<string, unknown>,
): LeadSpec[] {
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
