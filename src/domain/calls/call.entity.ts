import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantTable } from '../tenancy/tenant-owned.entity.js';
import { User } from '../accounts/user.entity.js';
import { Lead, PROMPT_SOURCES } from '../leads/lead.entity.js';

export const CALL_STATUSES = ['queued', 'analyzing', 'analyzed', 'failed'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
/** Which webhook delivered the call: our own signed format or a voice platform's. */
export const CALL_SOURCES = ['callsense', 'retell', 'vapi'] as const;
export type CallSource = (typeof CALL_SOURCES)[number];

export const Call = defineEntity({
  ...tenantTable('Call', 'calls', { visibleTo: 'user' }),
  // The provider's call id is unique per organization: a second delivery finds the first row.
  uniques: [{ properties: ['organization', 'callId'] }],
  // Lists run newest first within the organization, optionally by user, status or lead.
  indexes: [
    { properties: ['lead', 'status'] },
    { properties: ['organization', 'user', 'createdAt', 'id'] },
    { properties: ['organization', 'createdAt', 'id'] },
    { properties: ['organization', 'status', 'createdAt', 'id'] },
    { properties: ['lead', 'createdAt', 'id'] },
  ],
  properties: {
    callId: p.string().length(255),
    source: p.enum(CALL_SOURCES).default('callsense'),
    // A user's own call stays visible when its lead is assigned to someone else: no visibility filter on this join.
    lead: () => p.manyToOne(Lead).mapToPk().deleteRule('cascade').filters({ visibility: false }),
    // Null once the user is deleted: the call stays with the organization (admins still see it).
    user: () => p.manyToOne(User).mapToPk().nullable().deleteRule('set null'),
    // Up to megabytes: loaded only when asked for (populate: ['transcript'] or fields), never by list reads.
    transcript: p.text().lazy(),
    startedAt: p.datetime().nullable(),
    durationSeconds: p.double().nullable(),
    metadata: p.json<Record<string, unknown>>().nullable(),
    status: p.enum(CALL_STATUSES).default('queued'),
    analysis: p.json<Record<string, unknown>>().nullable(),
    promptId: p.string().length(255).nullable(),
    promptSource: p.enum(PROMPT_SOURCES).nullable(),
    promptName: p.string().length(200).nullable(),
    promptVersion: p.integer().nullable(),
    /** Why an earlier prompt of the resolution line did not produce the analysis. */
    fallbackReason: p.text().nullable(),
    model: p.string().length(128).nullable(),
    workflowId: p.string().length(600),
    error: p.text().nullable(),
    // Milliseconds only, like a JS Date: the list order and the page cursor compare the plain column.
    createdAt: p
      .datetime()
      .length(3)
      .onCreate(() => new Date()),
    analyzedAt: p.datetime().nullable(),
    // When this call's analysis was folded into the lead's complete analysis (null: not yet).
    foldedAt: p.datetime().nullable(),
  },
});

export type ICall = InferEntity<typeof Call>;
