// The per-organization daily OpenAI token budget (OPENAI_TOKEN_BUDGET_PER_DAY, input + output tokens in a UTC
// day; 0 = no limit). Every path that calls OpenAI records what OpenAI reported here, in one upsert per answer,
// and asks `budgetState` before it spends: past the budget, calls wait in `queued`, on-demand runs answer 429
// until the next UTC day, experiments and bulk work pause.
import type { EntityManager } from '@mikro-orm/postgresql';
import { costUsd, type PriceTable } from '../experiments/prices.js';

export const utcDay = (at = new Date()) => at.toISOString().slice(0, 10);

/** The start of the next UTC day: when a spent budget is available again. */
export function nextUtcDay(at = new Date()): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** What one answer adds to its organization's day (null: nothing to add). */
export function usageRow(
  usage: Usage | null | undefined,
  pricing: { prices: PriceTable; model: string; tier?: 'flex' | 'default' },
): (Usage & { day: string; costUsd: number }) | null {
  if (!usage || (usage.inputTokens === 0 && usage.outputTokens === 0)) return null;
  const cost =
    costUsd(pricing.prices, pricing.model, pricing.tier ?? 'default', usage.inputTokens, usage.outputTokens) ?? 0;
  return { day: utcDay(), inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: cost };
}

/** How a row for `openai_usage_days as d` adds to the day's totals (every statement that records usage). */
export const ADD_TO_USAGE_DAY = `on conflict (organization_id, day) do update set
    input_tokens = d.input_tokens + excluded.input_tokens,
    output_tokens = d.output_tokens + excluded.output_tokens,
    cost_usd = d.cost_usd + excluded.cost_usd`;

/** Adds one answer's usage to the organization's day. Raw SQL: it names the organization itself. */
export async function recordUsage(
  em: EntityManager,
  organizationId: string,
  usage: Usage | null | undefined,
  pricing: { prices: PriceTable; model: string; tier?: 'flex' | 'default' },
): Promise<void> {
  const row = usageRow(usage, pricing);
  if (!row) return;
  await em.getConnection().execute(
    `insert into openai_usage_days as d (organization_id, day, input_tokens, output_tokens, cost_usd)
     values (?, ?, ?, ?, ?) ${ADD_TO_USAGE_DAY}`,
    [organizationId, row.day, row.inputTokens, row.outputTokens, row.costUsd],
  );
}

export interface BudgetState {
  spent: number;
  budget: number;
  exhausted: boolean;
  resetsAt: Date;
}

export async function budgetState(em: EntityManager, organizationId: string, budget: number): Promise<BudgetState> {
  const resetsAt = nextUtcDay();
  if (budget <= 0) return { spent: 0, budget, exhausted: false, resetsAt };
  const rows = await em
    .getConnection()
    .execute<{ spent: string | number }[]>(
      'select input_tokens + output_tokens as spent from openai_usage_days where organization_id = ? and day = ?',
      [organizationId, utcDay()],
    );
  const spent = Number(rows[0]?.spent ?? 0);
  return { spent, budget, exhausted: spent >= budget, resetsAt };
}

export function budgetMessage(state: Pick<BudgetState, 'budget' | 'resetsAt'>): string {
  return (
    `The organization's OpenAI budget of ${state.budget.toLocaleString('en-US')} tokens for today is spent: ` +
    `OpenAI work waits until ${state.resetsAt.toISOString()}`
  );
}

/** The last `days` UTC days of use, oldest first, with zeros for days without any. */
export async function usageDays(em: EntityManager, organizationId: string, days = 30) {
  const since = new Date(Date.now() - (days - 1) * 86_400_000);
  const rows = await em
    .getConnection()
    .execute<{ day: string; input_tokens: string | number; output_tokens: string | number; cost_usd: number }[]>(
      `select day, input_tokens, output_tokens, cost_usd from openai_usage_days
      where organization_id = ? and day >= ? order by day`,
      [organizationId, utcDay(since)],
    );
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return Array.from({ length: days }, (_, i) => {
    const date = utcDay(new Date(since.getTime() + i * 86_400_000));
    const row = byDay.get(date);
    return {
      date,
      inputTokens: Number(row?.input_tokens ?? 0),
      outputTokens: Number(row?.output_tokens ?? 0),
      costUsd: Math.round(Number(row?.cost_usd ?? 0) * 1e6) / 1e6,
    };
  });
}
