// One try at OpenAI for an analysis (of a call) or a fold (of a lead): the prompt this try uses, the tenant's
// slot, the output checked before anything is stored, and the columns an analysis row records of the answer.
import { Context } from '@temporalio/activity';
import { checkStorableOutput } from '../domain/analyses/output-limits.js';
import type { ResolvedPrompt } from '../domain/prompts/prompt-resolver.js';
import { parseJsonObject } from '../openai/gateway.js';
import type { ActivityDeps } from './deps.js';
import { candidateForAttempt, noteFallback, openAIFailure, type RetryWindow } from './openai-retry.js';
import { openAIAttempt } from './tenant-slots.js';

export interface PromptAnswer {
  analysis: Record<string, unknown>;
  model: string;
  promptVersion: string | null;
  prompt: ResolvedPrompt;
  usage: { inputTokens: number; outputTokens: number } | null;
  latencyMs: number;
}

interface PromptTry {
  organizationId: string;
  runKey: string;
  kind: 'individual' | 'complete';
  candidates: ResolvedPrompt[];
  userPromptConfigured: boolean;
  /** What the prompt receives as `input`. */
  input: string;
  window: RetryWindow;
  signal: AbortSignal;
}

/** Runs the prompt this try uses; a failure is thrown as the activity failure that decides the next try. */
export async function askPrompt(
  { openai, metrics, tenantSlots }: Pick<ActivityDeps, 'openai' | 'metrics' | 'tenantSlots'>,
  request: PromptTry,
): Promise<PromptAnswer> {
  const { organizationId, runKey, kind, window, signal } = request;
  const release = tenantSlots.acquire(organizationId, runKey);
  const attempt = openAIAttempt(runKey, Context.current().info.attempt);
  const prompt = candidateForAttempt(request.candidates, attempt);
  noteFallback(request, prompt, kind, metrics);
  const started = Date.now();
  try {
    const result = await openai.runPrompt({ promptId: prompt.promptId, input: request.input, signal });
    const output = {
      analysis: parseJsonObject(result.outputText),
      model: result.model,
      promptVersion: result.promptVersion,
    };
    checkStorableOutput(output);
    return { ...output, prompt, usage: result.usage, latencyMs: Date.now() - started };
  } catch (error) {
    throw openAIFailure(error, window, prompt.promptId, attempt);
  } finally {
    release();
  }
}

/** The columns of a succeeded analysis row that come from the answer. */
export function answerColumns(answer: PromptAnswer, userPromptConfigured: boolean) {
  return {
    outcome: 'succeeded' as const,
    analysis: answer.analysis,
    promptId: answer.prompt.promptId,
    promptSource: answer.prompt.source,
    promptVersion: answer.promptVersion,
    model: answer.model,
    fallback: answer.prompt.source === 'system' && userPromptConfigured,
    inputTokens: answer.usage?.inputTokens ?? null,
    outputTokens: answer.usage?.outputTokens ?? null,
    latencyMs: answer.latencyMs,
  };
}
