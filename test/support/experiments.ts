// Prompt experiments' setup for tests and the benchmark: a prompt with two versions, and WON/LOST leads whose
// transcripts carry their outcome, with version 1's analyses of every call stored (noise that does not follow the
// outcome), as production would have left them.
import { randomUUID } from 'node:crypto';
import { Analysis } from '../../src/domain/analyses/analysis.entity.js';
import { Call } from '../../src/domain/calls/call.entity.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';
import { addVersion } from '../../src/domain/prompts/prompt-library.js';
import { exampleOutput, type FakeOpenAI } from './fake-openai.js';
import { ANALYSIS_SCHEMA, createTestPrompt, testVersion } from './prompts.js';
import type { Tenant } from './tenant.js';

export const WON_MARK = 'We have the budget approved and want to start now';
const LOST_MARK = 'We decided to stay with our current vendor';

/** Written in chunks, so a benchmark's thousands of leads do not sit in one unit of work. */
const LEADS_PER_FLUSH = 250;

/** A prompt whose version 2 exists beside version 1 (production); returns its id. */
export async function experimentPrompt(tenant: Tenant, name = 'Discovery'): Promise<string> {
  const promptId = await createTestPrompt(tenant, { kind: 'individual', name });
  await addVersion(tenant.em(), {
    promptId,
    actor: { id: tenant.admin.user.id, email: tenant.admin.user.email, role: 'admin' },
    version: testVersion({ instructions: 'Judge the interest from what the prospect says.' }),
  });
  return promptId;
}

/**
 * `won` WON then `lost` LOST leads with `calls` calls each; a transcript says its lead's outcome and ends with
 * `(<lead>.<call>)`. Returns the number of calls written.
 */
export async function outcomeLeads(
  tenant: Tenant,
  promptId: string,
  counts: { won: number; lost: number; calls?: number },
): Promise<number> {
  const perLead = counts.calls ?? 2;
  const total = counts.won + counts.lost;
  const stored = exampleOutput(ANALYSIS_SCHEMA, '') as object;
  for (let from = 0; from < total; from += LEADS_PER_FLUSH) {
    const em = tenant.em();
    for (let i = from; i < Math.min(total, from + LEADS_PER_FLUSH); i++) {
      const isWon = i < counts.won;
      const lead = em.create(Lead, {
        organization: tenant.organizationId,
        externalId: `exp-${randomUUID()}`,
        status: isWon ? 'WON' : 'LOST',
        assignedTo: tenant.rep.user.id,
        callCount: perLead,
      });
      for (let c = 0; c < perLead; c++) {
        const call = em.create(Call, {
          organization: tenant.organizationId,
          callId: `exp-call-${randomUUID()}`,
          lead: lead.id,
          user: tenant.rep.user.id,
          transcript: `agent: How is it going?\ncustomer: ${isWon ? WON_MARK : LOST_MARK} (${i}.${c})`,
          // The same for every call: only what the prompt extracts may tell won leads from lost ones.
          durationSeconds: 300,
          startedAt: new Date(Date.now() - (i * perLead + c + 1) * 60_000),
          status: 'analyzed',
          workflowId: `synthetic:${randomUUID()}`,
          analysis: { summary: 'stored' },
        });
        em.create(Analysis, {
          organization: tenant.organizationId,
          kind: 'individual',
          outcome: 'succeeded',
          callId: call.id,
          userId: tenant.rep.user.id,
          analysis: { ...stored, interestLevel: (i * 7 + c * 3) % 11 },
          promptId,
          promptVersion: 1,
          promptSource: 'user',
          runKey: `seed:${call.id}`,
        });
      }
    }
    await em.flush();
  }
  return total * perLead;
}

/**
 * Scripts the stand-in: version 2 reads the interest off the transcript (`interest`; by default 9 for a won
 * lead's mark, 1 otherwise), and the built-in complete prompt keeps the mean interest of the lead's calls.
 */
export function scriptExperiment(
  fake: FakeOpenAI,
  promptId: string,
  options: { interest?: (transcript: string) => number; delayMs?: number } = {},
): void {
  const base = exampleOutput(ANALYSIS_SCHEMA, '') as object;
  const interest = options.interest ?? ((input: string) => (input.includes(WON_MARK) ? 9 : 1));
  const delay = options.delayMs ? { delayMs: options.delayMs } : {};
  fake.definePrompt(`${promptId}@2`, {
    ...delay,
    respond: (input) => JSON.stringify({ ...base, interestLevel: interest(input) }),
  });
  fake.definePrompt('prm_systemcomplete', {
    ...delay,
    respond: (input) => {
      const { newAnalyses } = JSON.parse(input) as { newAnalyses: { analysis: { interestLevel: number } }[] };
      const mean = newAnalyses.reduce((sum, a) => sum + a.analysis.interestLevel, 0) / Math.max(1, newAnalyses.length);
      return JSON.stringify({ ...base, interestLevel: Math.round(mean) });
    },
  });
}
