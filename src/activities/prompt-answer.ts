// One try at OpenAI for an analysis (of a call) or a fold (of a lead): the prompt version this try uses, the
// tenant's slot, the templates rendered with the analysis's variables, the answer checked against the
// version's output schema before anything is stored, and the columns an analysis row records of the answer.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { checkStorableOutput } from '../domain/analyses/output-limits.js';
import type { PromptCandidate } from '../domain/prompts/prompt-resolver.js';
import type { AnswerRecord } from '../domain/analyses/answer-record.js';
import { checkedOutput, renderPrompt } from '../domain/prompts/render.js';
import type { TemplateVariables } from '../domain/prompts/template.js';
import { tenantEm } from '../domain/tenancy/tenant-em.js';
import { FailureType } from '../temporal/failure-types.js';
import type { ActivityDeps } from './deps.js';
import { candidateForAttempt, databaseFailure, noteFallback, openAIFailure, type RetryWindow } from './openai-retry.js';
import { openAIAttempt } from './tenant-slots.js';
import { versionSpecOf } from './version-specs.js';

export interface PromptAnswer {
  analysis: Record<string, unknown>;
  model: string;
  prompt: PromptCandidate;
  promptName: string;
  /** Why an earlier prompt of the line did not answer (null: the first one did). */
  fallbackReason: string | null;
  usage: { inputTokens: number; outputTokens: number } | null;
  latencyMs: number;
}

interface PromptTry {
  organizationId: string;
  runKey: string;
  kind: 'individual' | 'complete';
  candidates: PromptCandidate[];
  /** Why the prompts before `candidates[0]` were left out (resolution skips, definite failures). */
  fallbackReason: string | null;
  variables: TemplateVariables;
  /** What a version without an input template receives. */
  defaultInput?: string;
  window: RetryWindow;
  signal: AbortSignal;
}

const keyOf = (candidate: PromptCandidate) => `${candidate.promptId}@${candidate.version}`;

/** Runs the prompt this try uses; a failure is thrown as the activity failure that decides the next try. */
export async function askPrompt(
  {
    openai,
    metrics,
    tenantSlots,
    orm,
    config,
  }: Pick<ActivityDeps, 'openai' | 'metrics' | 'tenantSlots' | 'orm' | 'config'>,
  request: PromptTry,
): Promise<PromptAnswer> {
  const { organizationId, runKey, kind, window, signal } = request;
  const attempt = openAIAttempt(runKey, Context.current().info.attempt);
  const prompt = candidateForAttempt(request.candidates, attempt);
  let spec;
  try {
    spec = await versionSpecOf(tenantEm(orm.em, organizationId), organizationId, prompt, config.openai.defaultModel);
  } catch (error) {
    throw databaseFailure(error, 'Reading the prompt version', window);
  }
  if (!spec) {
    throw ApplicationFailure.create({
      type: FailureType.PromptVersionUnusable,
      message: `prompt ${keyOf(prompt)} no longer exists`,
      nonRetryable: true,
      details: [keyOf(prompt)],
    });
  }
  const release = tenantSlots.acquire(organizationId, runKey);
  const first = request.candidates[0]!;
  const transient = prompt !== first;
  noteFallback(kind, request.fallbackReason !== null || transient, transient ? 'transient' : 'definite', metrics);
  const started = Date.now();
  try {
    const rendered = renderPrompt(spec, request.variables, request.defaultInput);
    const result = await openai.runPrompt({ spec, ...rendered, signal });
    const analysis = checkedOutput(spec, result.outputText);
    checkStorableOutput({ analysis, model: result.model, promptVersion: null });
    const reasons = [
      request.fallbackReason,
      transient ? `${first.source} prompt ${keyOf(first)} kept failing transiently` : null,
    ].filter((reason): reason is string => reason !== null);
    return {
      analysis,
      model: result.model,
      prompt,
      promptName: spec.promptName,
      fallbackReason: reasons.length ? reasons.join('; ') : null,
      usage: result.usage,
      latencyMs: Date.now() - started,
    };
  } catch (error) {
    throw openAIFailure(error, window, keyOf(prompt), attempt);
  } finally {
    release();
  }
}

/** What the stored analysis or fold records of the answer. */
export function answerRecord(answer: PromptAnswer): AnswerRecord {
  return {
    analysis: answer.analysis,
    promptId: answer.prompt.promptId,
    promptName: answer.promptName,
    promptSource: answer.prompt.source,
    promptVersion: answer.prompt.version,
    fallbackReason: answer.fallbackReason,
    model: answer.model,
    usage: answer.usage,
    latencyMs: answer.latencyMs,
  };
}
