// Routes of the contract that this build's OpenAPI document may not list yet. Only the paths missing from
// the generated `paths` are taken from here (see client.ts), so a regenerated schema always wins.
type Json<T> = { content: { 'application/json': T } };
type ErrorBody = { statusCode: number; error: string; message: string; details?: Record<string, string> };
type Op<Res, Req = never, Path = never, Query = never> = {
  parameters: ([Path] extends [never] ? { path?: never } : { path: Path }) &
    ([Query] extends [never] ? { query?: never } : { query?: Query }) & { header?: never; cookie?: never };
  responses: {
    200: Json<Res>;
    201: Json<Res>;
    202: Json<Res>;
    204: { content?: never };
    400: Json<ErrorBody>;
    404: Json<ErrorBody>;
  };
} & ([Req] extends [never] ? { requestBody?: never } : { requestBody: Json<Req> });

export type PromptSource = 'user' | 'system';

export interface RetellIntegration {
  provider: 'retell';
  configured: boolean;
  apiKeyLast4?: string | null;
  defaultUserId?: string | null;
  agentUsers?: Record<string, string>;
  webhookUrl: string;
}
export interface VapiIntegration {
  provider: 'vapi';
  configured: boolean;
  secretLast4?: string | null;
  defaultUserId?: string | null;
  assistantUsers?: Record<string, string>;
  webhookUrl: string;
}
export interface AuditEntry {
  id: string;
  actor: { id: string; email: string | null } | null;
  action: string;
  target: { type: string; id: string } | null;
  details: Record<string, unknown>;
  at: string;
}
export interface CallAnalysis {
  analysis: Record<string, unknown> | null;
  promptId: string | null;
  promptSource: PromptSource | null;
  promptVersion: string | null;
  model: string | null;
  usage: { inputTokens: number; outputTokens: number } | null;
  createdAt: string;
}
export type Band = 'A' | 'B' | 'C' | 'D';
export interface LeadScore {
  score: number;
  band: Band;
  modelVersion: number;
  scope: 'user' | 'organization';
  scoredAt: string;
  intercept: number;
  contributions: { feature: string; value: number; contribution: number }[];
}
export interface ScoreHistoryEntry {
  score: number;
  modelVersion: number;
  scope: 'user' | 'organization';
  cause: 'analysis' | 'retrain' | 'activation';
  at: string;
}
export interface ScoringStatus {
  state: 'untrained' | 'insufficient-data' | 'trained';
  won: number;
  lost: number;
  requiredPerClass: number;
  activeVersion: number | null;
  scope: 'user' | 'organization' | null;
  lastRun: { at: string; outcome: string; reason: string | null } | null;
  nextRunAt: string | null;
}
export interface ModelVersion {
  version: number;
  active: boolean;
  accuracy: number | null;
  auc: number | null;
  trainingDataCount: number;
  holdoutCount: number;
  trainedAt: string;
  activationReason: string | null;
}
export interface PromptMetric {
  kind: 'individual' | 'complete';
  promptId: string;
  promptVersion: string | null;
  source: PromptSource;
  analyses: number;
  failures: number;
  fallbacks: number;
  inputTokens: number;
  outputTokens: number;
  p50LatencyMs: number | null;
}

type UserPath = { userId: string };
type IdPath = { id: string };
type RetellBody = { apiKey: string; defaultUserId: string; agentUsers?: Record<string, string> };
type VapiBody = { secret: string; defaultUserId: string; assistantUsers?: Record<string, string> };
type UserPatch = { role?: 'user' | 'admin'; firstName?: string; lastName?: string };

export interface PendingPaths {
  '/api/admin/integrations/retell': {
    get: Op<RetellIntegration>;
    put: Op<RetellIntegration, RetellBody>;
    delete: Op<void>;
  };
  '/api/admin/integrations/vapi': { get: Op<VapiIntegration>; put: Op<VapiIntegration, VapiBody>; delete: Op<void> };
  '/api/admin/audit': {
    get: Op<{ items: AuditEntry[]; nextCursor: string | null }, never, never, { limit?: number; cursor?: string }>;
  };
  '/api/admin/users/{userId}': { patch: Op<unknown, UserPatch, UserPath>; delete: Op<void, never, UserPath> };
  '/api/calls/{id}/reanalyze': { post: Op<{ id: string; workflowId: string }, never, IdPath> };
  '/api/calls/{id}/analyses': { get: Op<CallAnalysis[], never, IdPath> };
  '/api/leads/{id}/score': { get: Op<LeadScore, never, IdPath> };
  '/api/leads/{id}/score/history': { get: Op<ScoreHistoryEntry[], never, IdPath> };
  '/api/ai/scoring/status': { get: Op<ScoringStatus> };
  '/api/ai/scoring/models': { get: Op<ModelVersion[]> };
  '/api/ai/scoring/models/{version}/activate': { post: Op<ModelVersion, never, { version: number }> };
  '/api/openai-prompts/metrics': {
    get: Op<PromptMetric[], never, never, { since?: string; scope?: 'organization' }>;
  };
}
