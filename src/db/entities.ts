// Every entity the ORM knows, in one list for the config and for migration generation.
import { Organization } from '../domain/accounts/organization.entity.js';
import { User } from '../domain/accounts/user.entity.js';
import { LoginFailure, RevokedToken } from '../domain/accounts/sessions.entity.js';
import { PromptChange } from '../domain/prompts/prompt-change.entity.js';
import { Prompt, PromptVersion } from '../domain/prompts/prompt.entity.js';
import { ExperimentItem, PromptExperiment } from '../domain/experiments/experiment.entity.js';
import { UsageDay } from '../domain/usage/usage-day.entity.js';
import { UserAIPreferences } from '../domain/preferences/user-ai-preferences.entity.js';
import { Lead } from '../domain/leads/lead.entity.js';
import { Call } from '../domain/calls/call.entity.js';
import { LeadScoringModel } from '../domain/scoring/lead-scoring-model.entity.js';
import { Integration } from '../domain/integrations/integration.entity.js';
import { ScoringRun } from '../domain/scoring/scoring-run.entity.js';
import { LeadScoreHistory } from '../domain/scoring/lead-score-history.entity.js';
import { Analysis } from '../domain/analyses/analysis.entity.js';
import { AuditEvent } from '../domain/audit/audit-event.entity.js';
import { EventEndpoint } from '../domain/events/event-endpoint.entity.js';
import { EventDelivery } from '../domain/events/event-delivery.entity.js';
import { TenantOwned } from '../domain/tenancy/tenant-owned.entity.js';

export const entities = [
  TenantOwned,
  Organization,
  User,
  PromptChange,
  Prompt,
  PromptVersion,
  PromptExperiment,
  ExperimentItem,
  UsageDay,
  UserAIPreferences,
  Lead,
  Call,
  LeadScoringModel,
  Integration,
  ScoringRun,
  LeadScoreHistory,
  Analysis,
  AuditEvent,
  RevokedToken,
  LoginFailure,
  EventEndpoint,
  EventDelivery,
];
