// A platform may send its own analysis of a call after the call itself (Retell: call_ended, then call_analyzed).
// The later event is a duplicate delivery of the call, but its analysis is kept with the call all the same.
import type { EntityManager } from '@mikro-orm/postgresql';

export async function keepProviderAnalysis(
  em: EntityManager,
  organizationId: string,
  callId: string,
  analysis: Record<string, unknown>,
): Promise<void> {
  await em.getConnection().execute(
    `update calls set metadata = coalesce(metadata, '{}'::jsonb) || jsonb_build_object('providerAnalysis', ?::jsonb)
     where organization_id = ? and call_id = ?`,
    [JSON.stringify(analysis), organizationId, callId],
  );
}
