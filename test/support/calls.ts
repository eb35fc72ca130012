// Helpers for the call pipeline tests: a tenant with a rep, call payloads, waiting on call rows, reading
// workflow histories, and a complete-analysis prompt that records which calls it has folded.
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import { Call, type CallStatus, type ICall } from '../../src/domain/calls/call.entity.js';
import { User } from '../../src/domain/accounts/user.entity.js';
import { Lead, type ILead } from '../../src/domain/leads/lead.entity.js';
import { createTenant, type Tenant } from './tenant.js';
import { exampleOutput, type PromptScript } from './fake-openai.js';
import { createTestPrompt, type TestPromptVersion } from './prompts.js';
import { SYSTEM_COMPLETE_PROMPT, waitFor, type Stack } from './harness.js';

export { createTenant, type Tenant } from './tenant.js';

export function callPayload(
  userId: string,
  overrides: { callId?: string; leadExternalId?: string; transcript?: string } = {},
) {
  return {
    callId: overrides.callId ?? `call-${randomUUID()}`,
    userId,
    lead: { externalId: overrides.leadExternalId ?? `lead-${randomUUID()}`, name: 'Grace Hopper' },
    transcript: overrides.transcript ?? 'agent: Would this help your team?\nlead: Yes, I am interested',
  };
}

/** Sets a user's prompt settings (PromptRefs, or retired `pmpt_` values as an upgraded database holds) directly. */
export async function setUserPrompts(
  tenant: Tenant,
  userId: string,
  prompts: { individual?: string | null; complete?: string | null },
) {
  await tenant.em().nativeUpdate(
    User,
    { id: userId },
    {
      ...(prompts.individual !== undefined ? { openaiIndividualPromptId: prompts.individual } : {}),
      ...(prompts.complete !== undefined ? { openaiCompletePromptId: prompts.complete } : {}),
    },
  );
}

/**
 * A fresh tenant whose rep analyses calls with a prompt of their own (returned as `repPromptId`), answered by
 * the fake as `script` says.
 */
export async function createTenantWithRepPrompt(
  stack: Stack,
  script: PromptScript,
  version: Partial<TestPromptVersion> = {},
): Promise<Tenant & { repPromptId: string }> {
  const tenant = await createTenant(stack);
  const repPromptId = await createTestPrompt(tenant, { kind: 'individual', createdBy: tenant.rep, ...version });
  stack.fake.definePrompt(repPromptId, script);
  await setUserPrompts(tenant, tenant.rep.user.id, { individual: repPromptId });
  return { ...tenant, repPromptId };
}

export async function waitForCall(
  tenant: Tenant,
  id: string,
  statuses: CallStatus[] = ['analyzed', 'failed'],
  timeoutMs = 60_000,
): Promise<ICall> {
  return waitFor(
    async () => {
      const call = await tenant.em().findOne(Call, { id }, { populate: ['transcript'] });
      return call && statuses.includes(call.status) ? call : null;
    },
    { timeoutMs, intervalMs: 200, what: `call ${id} to be ${statuses.join(' or ')}` },
  );
}

/**
 * Waits until the lead (by id or external id) is `ready` — by default, once it has a complete analysis — and
 * returns it.
 */
export async function waitForLead(
  tenant: Pick<Tenant, 'em'>,
  where: { id: string } | { externalId: string },
  options: { ready?: (lead: ILead) => boolean; what?: string; timeoutMs?: number } = {},
): Promise<ILead> {
  const ready = options.ready ?? ((lead: ILead) => Boolean(lead.completeAnalysis));
  return waitFor(
    async () => {
      const lead = await tenant.em().findOne(Lead, where);
      return lead && ready(lead) ? lead : null;
    },
    { timeoutMs: options.timeoutMs ?? 30_000, what: options.what ?? 'the complete analysis' },
  );
}

/** The call ids a lead's complete analysis holds, when the complete prompt is `recordingCompleteRespond`. */
export const foldRecordOf = (lead: ILead): FoldRecord | null => readFoldRecord(lead.completeAnalysis ?? null);

function readFoldRecord(analysis: Record<string, unknown> | null): FoldRecord | null {
  return analysis && typeof analysis.summary === 'string' ? (JSON.parse(analysis.summary) as FoldRecord) : null;
}

export async function rowCounts(stack: Stack): Promise<{ calls: number; leads: number }> {
  const [row] = await stack.orm.em
    .getConnection()
    .execute<{ calls: number; leads: number }[]>(
      'select (select count(*)::int from calls) as calls, (select count(*)::int from leads) as leads',
    );
  return row!;
}

export async function historyOf(stack: Stack, workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  const history = await stack.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  return history.events ?? [];
}

/** Attempts of each started activity, in order: e.g. [['extractCallAnalysis', 3]]. */
export function activityAttempts(events: temporal.api.history.v1.IHistoryEvent[]): [string, number][] {
  const scheduled = new Map<string, string>();
  const attempts: [string, number][] = [];
  for (const event of events) {
    if (event.activityTaskScheduledEventAttributes)
      scheduled.set(String(event.eventId), event.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    const started = event.activityTaskStartedEventAttributes;
    if (started) attempts.push([scheduled.get(String(started.scheduledEventId)) ?? '', started.attempt ?? 0]);
  }
  return attempts;
}

/** Attempts of each started activity in the history of `workflowId`. */
export async function attemptsOf(stack: Stack, workflowId: string): Promise<[string, number][]> {
  return activityAttempts(await historyOf(stack, workflowId));
}

/** Types of the local activities a history records, in order (each completed one is a marker). */
export function localActivityTypes(events: temporal.api.history.v1.IHistoryEvent[]): string[] {
  return events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return [];
    const data = marker.details?.data?.payloads?.[0]?.data;
    type MarkerData = { activity_type?: string; activityType?: string };
    const parsed = data ? (JSON.parse(Buffer.from(data).toString('utf8')) as MarkerData) : {};
    return [parsed.activity_type ?? parsed.activityType ?? ''];
  });
}

interface FoldRecord {
  callIds: string[];
  folds: number;
}

/**
 * A `respond` for the complete-analysis prompt that keeps, in the complete analysis's `summary` (the built-in
 * schema has no room elsewhere), the provider call ids it has folded: previous ones from `previousAnalysis`,
 * new ones from `newAnalyses`.
 */
function recordingCompleteRespond(input: string, body: Record<string, unknown>): string {
  const document = JSON.parse(input) as {
    previousAnalysis: Record<string, unknown> | null;
    newAnalyses: { callId: string }[];
  };
  const previous = readFoldRecord(document.previousAnalysis) ?? { callIds: [], folds: 0 };
  const record: FoldRecord = {
    callIds: [...previous.callIds, ...document.newAnalyses.map((c) => c.callId)],
    folds: previous.folds + 1,
  };
  const schema = (body.text as { format?: { schema?: Record<string, unknown> } } | undefined)?.format?.schema;
  return JSON.stringify({ ...(schema ? (exampleOutput(schema, '') as object) : {}), summary: JSON.stringify(record) });
}

/** Makes the system complete prompt record what it folds (see `foldRecordOf`). */
export function recordFolds(stack: Stack): void {
  stack.fake.definePrompt(SYSTEM_COMPLETE_PROMPT, { respond: recordingCompleteRespond });
}
