// Every start, signal and query of the pipeline's workflows, in one place (API routes, activities and the admin
// CLI call these). Typed by the workflow functions themselves; workflow inputs carry ids only, never personal data.
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import { callAnalysisWorkflow } from '../workflows/call-analysis.js';
import { leadAnalysisWorkflow } from '../workflows/lead-analysis.js';
import { reanalysisWorkflow } from '../workflows/reanalysis.js';
import { promptExperimentWorkflow } from '../workflows/prompt-experiment.js';
import {
  callAnalyzedSignal,
  leadStateQuery,
  reanalysisProgressQuery,
  type LeadState,
  type ReanalysisProgress,
} from '../workflows/definitions.js';
import type { LeadAnalysisInput } from '../workflows/lead-analysis.js';
import type { StoredCall } from '../domain/calls/intake.js';
import type { OpenAITuning } from '../workflows/activity-options.js';
import type { ReanalysisFilters } from '../domain/calls/reanalysis-filter.js';
import { eventDeliveryWorkflow, deliveriesPendingSignal } from '../workflows/event-delivery.js';
import { NO_LEAD_STREAM } from '../domain/events/event-types.js';
import { eventDeliveryWorkflowId, leadWorkflowId } from './ids.js';
import { tenantSearchAttributes } from './search-attributes.js';

export type StarterConfig = Pick<Config, 'temporal' | 'openai'>;

/** The OpenAI tuning every workflow input carries, from the configuration. */
function openAITuning(config: StarterConfig): OpenAITuning {
  return {
    requestTimeoutMs: config.openai.timeoutMs,
    retryWindowSeconds: config.openai.retryWindowSeconds,
    maxBackoffMs: Math.round(config.openai.retryMaxBackoffSeconds * 1000),
  };
}

export interface CallRun {
  organizationId: string;
  /** Null once the call's user was deleted (the call stays with the organization). */
  userId: string | null;
  leadId: string;
  callRowId: string;
  workflowId: string;
}

function callAnalysisInput(config: StarterConfig, call: CallRun) {
  return {
    organizationId: call.organizationId,
    callRowId: call.callRowId,
    leadId: call.leadId,
    userId: call.userId,
    openai: openAITuning(config),
  };
}

/**
 * Makes sure the call's workflow runs: starts a run unless one is open (a closed run that ended without an
 * analysis is followed by a new one, same id). Callers skip it for calls already analysed.
 */
export async function ensureCallWorkflow(client: Client, config: StarterConfig, call: CallRun): Promise<void> {
  await client.workflow.start(callAnalysisWorkflow, {
    workflowId: call.workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [callAnalysisInput(config, call)],
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: tenantSearchAttributes(call),
  });
}

/**
 * Makes sure a delivered call gets analysed. Run on every delivery, duplicates included: a crash between storing
 * the call and starting its workflow, or a run that ended without an analysis (failed, terminated, timed out),
 * is healed by the provider's redelivery with a new run of the same workflow id. An analysed call is left alone;
 * an open run is reused.
 */
export async function ensureDeliveredCallWorkflow(
  client: Client,
  config: StarterConfig,
  input: { organizationId: string; userId: string; call: StoredCall },
): Promise<void> {
  if (input.call.status === 'analyzed') return;
  await ensureCallWorkflow(client, config, {
    organizationId: input.organizationId,
    userId: input.userId,
    leadId: input.call.leadId,
    callRowId: input.call.id,
    workflowId: input.call.workflowId,
  });
}

export class RunAlreadyOpenError extends Error {
  constructor() {
    super('The call is being analysed right now; try again when its run has ended');
  }
}

/**
 * Runs the call's analysis again with the prompts configured now (a new run); RunAlreadyOpenError while one is
 * open.
 */
export async function startCallReanalysis(client: Client, config: StarterConfig, call: CallRun): Promise<void> {
  try {
    await client.workflow.start(callAnalysisWorkflow, {
      workflowId: call.workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [{ ...callAnalysisInput(config, call), reanalysis: true }],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: tenantSearchAttributes(call),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new RunAlreadyOpenError();
    throw error;
  }
}

/** Hands an analysed call to its lead's workflow, starting that when it is not running (signal-with-start). */
export async function signalLeadWorkflow(
  client: Client,
  config: StarterConfig,
  input: { organizationId: string; leadId: string; userId: string | null; callRowId: string },
): Promise<string> {
  const workflowId = leadWorkflowId(input.organizationId, input.leadId);
  await client.workflow.signalWithStart(leadAnalysisWorkflow, {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [{ organizationId: input.organizationId, leadId: input.leadId, openai: openAITuning(config) }],
    signal: callAnalyzedSignal,
    signalArgs: [{ callRowId: input.callRowId }],
    typedSearchAttributes: tenantSearchAttributes({
      organizationId: input.organizationId,
      userId: input.userId,
      leadId: input.leadId,
    }),
  });
  return workflowId;
}

/**
 * Starts a lead's workflow with explicit tuning (e.g. a short debounce); the pipeline itself starts it by
 * signal-with-start from the call's workflow.
 */
export async function startLeadWorkflow(
  client: Client,
  config: StarterConfig,
  input: Omit<LeadAnalysisInput, 'openai'> & { userId: string | null },
): Promise<string> {
  const { userId, ...args } = input;
  const workflowId = leadWorkflowId(input.organizationId, input.leadId);
  await client.workflow.start(leadAnalysisWorkflow, {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [{ ...args, openai: openAITuning(config) }],
    typedSearchAttributes: tenantSearchAttributes({
      organizationId: input.organizationId,
      userId,
      leadId: input.leadId,
    }),
  });
  return workflowId;
}

/** What a lead's workflow holds right now: calls waiting for the next fold, folds done, failing folds. */
export function leadState(client: Client, workflowId: string): Promise<LeadState> {
  return client.workflow.getHandle<typeof leadAnalysisWorkflow>(workflowId).query(leadStateQuery);
}

export async function isWorkflowOpen(client: Client, workflowId: string): Promise<boolean> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

const reanalysisWorkflowId = (organizationId: string) => `reanalysis:${organizationId}:${randomUUID()}`;

/** Starts a bulk re-analysis of an organization's calls; `total` (when the caller counted) is reported as is. */
export async function startReanalysis(
  client: Client,
  config: StarterConfig,
  input: {
    organizationId: string;
    filters: ReanalysisFilters;
    total?: number;
    createdBefore?: Date;
    concurrency?: number;
  },
): Promise<{ workflowId: string }> {
  const workflowId = reanalysisWorkflowId(input.organizationId);
  await client.workflow.start(reanalysisWorkflow, {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [
      {
        organizationId: input.organizationId,
        filters: input.filters,
        ...(input.total !== undefined ? { total: input.total } : {}),
        ...(input.createdBefore ? { createdBefore: input.createdBefore.toISOString() } : {}),
        ...(input.concurrency ? { concurrency: input.concurrency } : {}),
        openai: openAITuning(config),
      },
    ],
    typedSearchAttributes: tenantSearchAttributes({ organizationId: input.organizationId }),
  });
  return { workflowId };
}

/** Progress of a bulk re-analysis (null: no such workflow). */
export async function reanalysisStatus(
  client: Client,
  workflowId: string,
): Promise<(ReanalysisProgress & { status: 'running' | 'completed' | 'failed' }) | null> {
  const handle = client.workflow.getHandle<typeof reanalysisWorkflow>(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
  const state = description.status.name;
  if (state === 'COMPLETED') return { ...(await handle.result()), status: 'completed' };
  if (state === 'RUNNING' || state === 'CONTINUED_AS_NEW')
    return { ...(await handle.query(reanalysisProgressQuery)), status: 'running' };
  return { total: 0, done: 0, failed: 0, status: 'failed' };
}

/** Starts an experiment's workflow (its row exists already); `batchSize` is for tests. */
export async function startPromptExperiment(
  client: Client,
  config: StarterConfig,
  input: { organizationId: string; experimentId: string; workflowId: string; batchSize?: number },
): Promise<void> {
  await client.workflow.start(promptExperimentWorkflow, {
    workflowId: input.workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [
      {
        organizationId: input.organizationId,
        experimentId: input.experimentId,
        ...(input.batchSize ? { batchSize: input.batchSize } : {}),
      },
    ],
    typedSearchAttributes: tenantSearchAttributes({ organizationId: input.organizationId }),
  });
}

/** Asks a running experiment to stop; false when it is not running any more. */
export async function cancelPromptExperiment(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).cancel();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/**
 * Tells the delivery workflow of one (endpoint, stream) that it has deliveries waiting, starting it when it is not
 * running (signal-with-start). Safe to repeat: the workflow reads its queue from the database.
 */
export async function signalEventDelivery(
  client: Client,
  config: Pick<Config, 'temporal'>,
  input: { organizationId: string; endpointId: string; stream: string },
): Promise<void> {
  await client.workflow.signalWithStart(eventDeliveryWorkflow, {
    workflowId: eventDeliveryWorkflowId(input.organizationId, input.endpointId, input.stream),
    taskQueue: config.temporal.taskQueue,
    args: [input],
    signal: deliveriesPendingSignal,
    signalArgs: [],
    typedSearchAttributes: tenantSearchAttributes({
      organizationId: input.organizationId,
      leadId: input.stream === NO_LEAD_STREAM ? null : input.stream,
    }),
  });
}
