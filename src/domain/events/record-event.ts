// The outbox: a fact that CallSense records (an analysis stored, a call failed, a fold, a new score) becomes one
// delivery row per subscribed endpoint, written in the transaction that records the fact. The row's
// `(endpoint, factKey)` is unique and the key is derived from the fact, so an activity retried after its commit
// cannot add a second event; and a fact rolled back takes its events with it. The worker's relay
// (src/worker/event-relay.ts) hands new rows to their delivery workflows.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { bandOf } from '../scoring/calibration.js';
import { EventEndpoint } from './event-endpoint.entity.js';
import { NO_LEAD_STREAM, type EventType } from './event-types.js';

export interface EventFact {
  organizationId: string;
  type: EventType;
  /** What makes this fact unique (an analysis run key, a fold's run key…): recording it twice records it once. */
  factKey: string;
  leadId: string | null;
  data: Record<string, unknown>;
  occurredAt?: Date;
}

/** The body every attempt sends: { type, timestamp, data }, `data` carrying the organization. */
function payloadOf(fact: EventFact): Record<string, unknown> {
  return {
    type: fact.type,
    timestamp: (fact.occurredAt ?? new Date()).toISOString(),
    data: { ...fact.data, organizationId: fact.organizationId },
  };
}

/** Inserts the fact's deliveries for the given endpoints (duplicates ignored); returns the new rows' ids. */
export async function insertDeliveries(tx: EntityManager, fact: EventFact, endpointIds: string[]): Promise<string[]> {
  if (endpointIds.length === 0) return [];
  const payload = payloadOf(fact);
  const now = new Date().toISOString();
  const rows = endpointIds.map((endpointId) => ({
    id: randomUUID(),
    organization_id: fact.organizationId,
    endpoint_id: endpointId,
    type: fact.type,
    fact_key: fact.factKey,
    stream: fact.leadId ?? NO_LEAD_STREAM,
    payload,
  }));
  const inserted = await tx.execute<{ id: string }[]>(
    `insert into event_deliveries
       (id, organization_id, endpoint_id, type, fact_key, stream, payload, status, attempts, round_attempts,
        next_attempt_at, created_at, updated_at)
     select r.id, r.organization_id, r.endpoint_id, r.type, r.fact_key, r.stream, r.payload, 'pending', 0, 0,
            ?::timestamptz, ?::timestamptz, ?::timestamptz
       from jsonb_to_recordset(?::jsonb)
         as r(id uuid, organization_id uuid, endpoint_id uuid, type text, fact_key text, stream text, payload jsonb)
     on conflict (endpoint_id, fact_key) do nothing
     returning id`,
    [now, now, now, JSON.stringify(rows)],
  );
  return inserted.map((row) => row.id);
}

/**
 * Records `fact` for every enabled endpoint of its organization subscribed to its type (`endpointIds` when the
 * caller already looked them up for a batch). Call it inside the transaction that records the fact itself.
 * Costs one indexed read when the organization has no endpoint.
 */
export async function recordEvent(tx: EntityManager, fact: EventFact, endpointIds?: string[]): Promise<number> {
  const subscribed = endpointIds ?? (await subscribedEndpoints(tx, fact.organizationId, fact.type));
  return (await insertDeliveries(tx, fact, subscribed)).length;
}

/** The enabled endpoints of the organization subscribed to `type`. */
export async function subscribedEndpoints(
  tx: EntityManager,
  organizationId: string,
  type: EventType,
): Promise<string[]> {
  const endpoints = await tx.find(
    EventEndpoint,
    { organization: organizationId, enabled: true },
    { fields: ['id', 'events'], filters: false },
  );
  return endpoints.filter((endpoint) => endpoint.events.includes(type)).map((endpoint) => endpoint.id);
}

// The contract's events, built from the rows that record them (read inside the same transaction). `call.analyzed`
// and `lead.analysis.updated` are written by the statements that store an analysis and a fold
// (src/domain/analyses/store-call-analysis.ts, the function behind src/domain/leads/store-fold.ts), the same way.

/** `call.failed`: the call's analysis failed for good. */
export async function recordCallFailed(
  tx: EntityManager,
  input: { organizationId: string; callRowId: string; factKey: string; error: string },
): Promise<void> {
  const [call] = await tx.execute<Record<string, unknown>[]>(
    'select id, call_id, lead_id from calls where id = ? and organization_id = ?',
    [input.callRowId, input.organizationId],
  );
  if (!call) return;
  await recordEvent(tx, {
    organizationId: input.organizationId,
    type: 'call.failed',
    factKey: `call.failed:${input.factKey}`,
    leadId: call.lead_id as string,
    data: { id: call.id, callId: call.call_id, leadId: call.lead_id, error: input.error },
  });
}

/** `lead.scored`: a lead's score changed; `previousScoredAt` (the score it replaces) makes the fact unique. */
export async function recordLeadScored(
  tx: EntityManager,
  input: {
    organizationId: string;
    leadId: string;
    externalId: string;
    score: number;
    previousScore: number | null;
    previousScoredAt: Date | null;
    modelVersion: number;
    scope: string;
    contributions: readonly { feature: string; contribution: number }[];
  },
  endpointIds?: string[],
): Promise<void> {
  const topContributions = [...input.contributions]
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, 5)
    .map(({ feature, contribution }) => ({ feature, contribution }));
  await recordEvent(
    tx,
    {
      organizationId: input.organizationId,
      type: 'lead.scored',
      factKey: `lead.scored:${input.leadId}:${input.previousScoredAt?.toISOString() ?? 'first'}`,
      leadId: input.leadId,
      data: {
        leadId: input.leadId,
        externalId: input.externalId,
        score: input.score,
        band: bandOf(input.score),
        previousScore: input.previousScore,
        modelVersion: input.modelVersion,
        scope: input.scope,
        topContributions,
      },
    },
    endpointIds,
  );
}
