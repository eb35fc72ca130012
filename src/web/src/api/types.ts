// Shapes the pages use, read from the generated schema so they never drift from the server.
import type { paths } from './schema';

type Ok<P extends keyof paths, M extends 'get' | 'put' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type Me = Ok<'/api/auth/me', 'get'>;
export type User = Ok<'/api/admin/users', 'get'>[number];
export type PromptConfig = Ok<'/api/openai-prompts/my-prompts', 'get'>;
export type Validation = Ok<'/api/openai-prompts/validate', 'post'>;
export type Preferences = Ok<'/api/ai/preferences', 'get'>;
// `source`, `transcript` and `workflowUrl` are newer fields: optional until every server sends them.
type CallExtras = { source?: string; workflowUrl?: string | null; transcript?: unknown };
export type Call = Ok<'/api/calls/{id}', 'get'> & CallExtras;
type RawCallList = Ok<'/api/calls/', 'get'>;
export type CallList = Omit<RawCallList, 'items'> & { items: (RawCallList['items'][number] & CallExtras)[] };
export type Lead = Ok<'/api/leads/{id}', 'get'>;
export type LeadList = Ok<'/api/leads/', 'get'>;
export type RetellIntegration = Ok<'/api/admin/integrations/retell', 'get'>;
export type VapiIntegration = Ok<'/api/admin/integrations/vapi', 'get'>;
export type AuditEntry = Ok<'/api/admin/audit', 'get'>['items'][number];
export type PromptField = 'openai_individual_prompt_id' | 'openai_complete_prompt_id';
