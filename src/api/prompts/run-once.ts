// One on-demand run of a prompt version (`POST /prompts/run`, the settings' preview): its templates filled as
// in a real analysis (from one of the caller's calls, or a pasted transcript with the caller's own details),
// the output checked against the version's schema, nothing saved. Failures map to what the caller can act on.
import type { FastifyRequest } from 'fastify';
import { Call } from '../../domain/calls/call.entity.js';
import { flattenTranscript, type TranscriptInput } from '../../domain/calls/transcript.js';
import { callPromptContext } from '../../domain/prompts/prompt-context.js';
import { renderPrompt } from '../../domain/prompts/render.js';
import { parseJsonObject } from '../../openai/gateway.js';
import { schemaViolations } from '../../domain/prompts/output-schema.js';
import { SAMPLE_COMPLETE_INPUT, SAMPLE_VARIABLES } from '../../domain/prompts/sample-transcript.js';
import type { PromptVersionSpec } from '../../domain/prompts/version-spec.js';
import type { TemplateVariables } from '../../domain/prompts/template.js';
import { OpenAIRequestError } from '../../openai/errors.js';
import { publicOpenAIMessage } from '../../openai/public-message.js';
import type { AppDeps } from '../deps.js';
import { HttpError, TooManyRequests, badRequest, notFound } from '../plugins/errors.js';
import { budgetMessage, budgetState, recordUsage } from '../../domain/usage/budget.js';
import { findVisible } from '../visible-row.js';

/** An answer long enough for any reasonable schema, short enough that a trial run cannot run up a bill. */
const ON_DEMAND_MAX_OUTPUT_TOKENS = 4000;

/** What a failed on-demand run means for the caller: their prompt (400) or OpenAI being unusable now (502/503). */
function onDemandFailure(error: unknown, field = 'prompt'): unknown {
  if (!(error instanceof OpenAIRequestError)) return error;
  const message = publicOpenAIMessage(error);
  switch (error.kind) {
    case 'model_not_found':
    case 'bad_request':
    case 'invalid_output':
      return badRequest(message, { [field]: message });
    case 'unauthorized':
      return new HttpError(502, `${message}; the run could not happen`);
    case 'not_configured':
      return new HttpError(503, 'OpenAI is not configured on this server (set OPENAI_API_KEY): nothing can run now');
    case 'rate_limited':
      return new HttpError(503, `The run could not happen now: ${message}`);
    case 'unavailable':
      return new HttpError(502, `The run could not happen: ${message}`);
  }
}

/** On-demand runs stop when the organization's daily budget is spent: 429 until the next UTC day. */
export async function assertBudget(deps: AppDeps, request: FastifyRequest): Promise<void> {
  const state = await budgetState(request.em, request.auth.organizationId, deps.config.openai.tokenBudgetPerDay);
  if (state.exhausted)
    throw new TooManyRequests(budgetMessage(state), Math.ceil((state.resetsAt.getTime() - Date.now()) / 1000));
}

export function assertConfigured(deps: AppDeps): void {
  if (!deps.openai.configured)
    throw new HttpError(503, 'OpenAI is not configured on this server (set OPENAI_API_KEY): nothing can run now');
}

async function variablesFor(
  request: FastifyRequest,
  input: { transcript?: TranscriptInput | undefined; callId?: string | undefined },
): Promise<TemplateVariables> {
  if (input.callId) {
    // One of the caller's calls (an admin: the organization's); visibility filters hide the others.
    const call = await findVisible(request.em, Call, input.callId, 'Call', { fields: ['id'] });
    const context = await callPromptContext(request.em, request.auth.organizationId, call.id);
    if (!context) throw notFound('Call');
    return context.variables;
  }
  if (input.transcript === undefined)
    throw badRequest('Give a transcript or a callId', { transcript: 'is required without callId' });
  return { ...SAMPLE_VARIABLES, transcript: flattenTranscript(input.transcript) };
}

export async function runOnce(
  deps: AppDeps,
  request: FastifyRequest,
  spec: PromptVersionSpec,
  input: { transcript?: TranscriptInput | undefined; callId?: string | undefined },
) {
  assertConfigured(deps);
  await assertBudget(deps, request);
  const variables = await variablesFor(request, input);
  const rendered = renderPrompt(spec, variables, SAMPLE_COMPLETE_INPUT);
  try {
    const run = await deps.openai.runPrompt({ spec, ...rendered, maxOutputTokens: ON_DEMAND_MAX_OUTPUT_TOKENS });
    await recordUsage(request.em, request.auth.organizationId, run.usage, {
      prices: deps.config.openai.prices,
      model: run.model,
    });
    let output: unknown = run.outputText;
    let errors: string[];
    try {
      output = parseJsonObject(run.outputText);
      errors = schemaViolations(spec.outputSchema, output);
    } catch (error) {
      errors = [(error as Error).message];
    }
    return { output, valid: errors.length === 0, errors, model: run.model, usage: run.usage };
  } catch (error) {
    if (error instanceof OpenAIRequestError)
      request.log.warn({ err: error, promptId: spec.promptId }, 'prompt run failed');
    throw onDemandFailure(error);
  }
}
