// Loads what the features need for a set of leads: their complete analyses and their calls.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Call } from '../calls/call.entity.js';
import { leadFeatures, summarizeCalls, type CallRow, type Features } from './features.js';

/** Features per lead id, for leads already loaded with their completeAnalysis. Uses the caller's (tenant) em. */
export async function featuresOf(
  em: EntityManager,
  leads: readonly { id: string; completeAnalysis?: Record<string, unknown> | null }[],
): Promise<Map<string, Features>> {
  const callsByLead = new Map<string, CallRow[]>();
  if (leads.length > 0) {
    // Plain rows, not entities: a user's training reads hundreds of calls and only four of their columns.
    const qb = em
      .createQueryBuilder(Call)
      .select(['lead', 'durationSeconds', 'startedAt', 'createdAt'])
      .where({ lead: { $in: leads.map((l) => l.id) } });
    await qb.applyFilters(); // a QueryBuilder applies the em's tenant filters only when asked
    for (const call of await qb.execute<(CallRow & { lead: string })[]>('all', true)) {
      const rows = callsByLead.get(call.lead) ?? [];
      rows.push(call);
      callsByLead.set(call.lead, rows);
    }
  }
  return new Map(
    leads.map((lead) => [lead.id, leadFeatures(lead.completeAnalysis, summarizeCalls(callsByLead.get(lead.id) ?? []))]),
  );
}
