// What a stored analysis (of a call) or fold (of a lead) records of the answer that produced it.
import type { PromptSource } from '../leads/lead.entity.js';

export interface AnswerRecord {
  analysis: Record<string, unknown>;
  promptId: string;
  promptName: string;
  promptSource: PromptSource;
  promptVersion: number;
  fallbackReason: string | null;
  model: string;
  usage: { inputTokens: number; outputTokens: number } | null;
  latencyMs: number;
}
