// Prompt experiments on the real stack: promptExperimentWorkflow on the Temporal dev server, items and results in
// PostgreSQL, every request answered by the OpenAI stand-in. A candidate whose extractions carry the outcome must
// win; the baseline's stored analyses are reused; every request runs on the flex tier; production rows stay
// byte-identical; cancellation and a killed worker are clean; tenancy holds.
import t from 'tap';
import type { Test } from 'tap';
import { as, addUser } from '../support/api.js';
import { createTenant, type Tenant } from '../support/calls.js';
import { startStack, waitFor, type Stack } from '../support/harness.js';
import { experimentPrompt, outcomeLeads, scriptExperiment } from '../support/experiments.js';

interface Seeded {
  promptId: string;
  calls: number;
}

async function seed(stack: Stack, tenant: Tenant, won: number, lost: number): Promise<Seeded> {
  const promptId = await experimentPrompt(tenant);
  const calls = await outcomeLeads(tenant, promptId, { won, lost });
  scriptExperiment(stack.fake, promptId);
  return { promptId, calls };
}

/** A digest of every production table an experiment must not touch. */
async function productionDigest(stack: Stack): Promise<string> {
  const [row] = await stack.orm.em.getConnection().execute<{ digest: string }[]>(
    `select md5(
       (select coalesce(string_agg(c::text, '|' order by c.id), '') from calls c) ||
       (select coalesce(string_agg(l::text, '|' order by l.id), '') from leads l) ||
       (select coalesce(string_agg(a::text, '|' order by a.id), '') from analyses a) ||
       (select coalesce(string_agg(m::text, '|' order by m.id), '') from lead_scoring_models m) ||
       (select coalesce(string_agg(h::text, '|' order by h.id), '') from lead_score_history h)) as digest`,
  );
  return row!.digest;
}

async function waitForExperiment(t: Test, api: ReturnType<typeof as>, id: string, statuses: string[]) {
  return waitFor(
    async () => {
      const response = await api.get(`/prompts/experiments/${id}`);
      t.equal(response.statusCode, 200);
      const body = response.json();
      return statuses.includes(body.status) ? body : null;
    },
    { timeoutMs: 120_000, intervalMs: 250, what: `experiment ${id} to be ${statuses.join(' or ')}` },
  );
}

t.test('a planted signal wins; stored analyses reused; flex on every request; production untouched', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const { promptId, calls } = await seed(stack, tenant, 12, 12);
  const before = await productionDigest(stack);
  const api = as(stack.app, tenant.admin);

  const started = await api.post(`/prompts/${promptId}/experiments`, { candidateVersion: 2, baselineVersion: 1 });
  t.equal(started.statusCode, 202, started.body);
  const { id, workflowId } = started.json();
  t.equal(workflowId, `experiment:${tenant.organizationId}:${id}`);
  const done = await waitForExperiment(t, api, id, ['completed', 'failed']);
  t.equal(done.status, 'completed', done.error ?? '');
  t.same(done.progress, { total: 2 * calls + 2 * 24, done: 2 * calls + 2 * 24, failed: 0 });
  const results = done.results;
  t.equal(results.leads, 24);
  t.equal(results.won, 12);
  t.equal(results.verdict, 'candidate-better');
  t.ok(results.aucDifference.ci95[0] > 0, `the interval ${results.aucDifference.ci95} lies above 0`);
  t.ok(results.candidate.auc > 0.9, `the candidate's AUC ${results.candidate.auc}`);
  t.equal(stack.fake.count(`${promptId}@1`), 0, 'stored analyses of version 1 were reused: no request for them');
  t.equal(stack.fake.count(`${promptId}@2`), calls, 'version 2 analysed every call once');
  t.ok(
    stack.fake.requests.length > 0 && stack.fake.requests.every((r) => r.serviceTier === 'flex'),
    'flex on every request',
  );
  t.equal(results.candidate.schemaValidRate, 1);
  t.equal(results.candidate.failureRate, 0);
  t.ok(results.candidate.costUsd > 0, 'cost from the built-in price of the default model (flex: half)');
  t.type(results.agreement.interestLevel, 'number');
  t.equal(await productionDigest(stack), before, 'calls, leads, analyses, models and scores are byte-identical');

  const list = await api.get(`/prompts/${promptId}/experiments`);
  t.equal(list.json()[0].id, id);
  const audit = await api.get('/admin/audit?limit=50');
  t.ok(audit.json().items.some((entry: { action: string }) => entry.action === 'prompt.experiment_started'));

  const removed = await api.delete(`/prompts/experiments/${id}`);
  t.equal(removed.statusCode, 204);
  t.equal((await api.get(`/prompts/experiments/${id}`)).statusCode, 404);
});

t.test('too few outcomes, another organization, a rep who did not write the prompt', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const { promptId } = await seed(stack, tenant, 12, 9);
  const api = as(stack.app, tenant.admin);
  const few = await api.post(`/prompts/${promptId}/experiments`, { candidateVersion: 2 });
  t.equal(few.statusCode, 422);
  t.match(few.json().message, /12 WON and 9 LOST/);

  const rep = await addUser(stack.app, tenant.admin);
  t.equal((await as(stack.app, rep).post(`/prompts/${promptId}/experiments`, { candidateVersion: 2 })).statusCode, 403);
  const other = await createTenant(stack);
  t.equal(
    (await as(stack.app, other.admin).post(`/prompts/${promptId}/experiments`, { candidateVersion: 2 })).statusCode,
    404,
  );
  t.equal((await as(stack.app, other.admin).get(`/prompts/${promptId}/experiments`)).json().length, 0);
});

t.test('cancelled mid-run it stops cleanly; a killed worker finishes with the same result', async (t) => {
  const stack = await startStack(t);
  const tenant = await createTenant(stack);
  const { promptId } = await seed(stack, tenant, 10, 10);
  const api = as(stack.app, tenant.admin);

  stack.fake.definePrompt(`${promptId}@2`, { delayMs: 400 });
  const slow = (await api.post(`/prompts/${promptId}/experiments`, { candidateVersion: 2 })).json();
  await waitFor(async () => (await api.get(`/prompts/experiments/${slow.id}`)).json().progress.done > 0, {
    what: 'some progress',
  });
  t.equal((await api.post(`/prompts/experiments/${slow.id}/cancel`)).statusCode, 202);
  const cancelled = await waitForExperiment(t, api, slow.id, ['cancelled']);
  t.equal(cancelled.results, null);
  t.ok(cancelled.progress.done < cancelled.progress.total, 'it stopped before the end');

  // The same experiment twice: once undisturbed, once with the worker killed mid-run.
  const reference = await seed(stack, tenant, 10, 10);
  const runOnce = async (kill: boolean) => {
    const { id } = (await api.post(`/prompts/${reference.promptId}/experiments`, { candidateVersion: 2 })).json();
    if (kill) {
      await waitFor(async () => (await api.get(`/prompts/experiments/${id}`)).json().progress.done > 0, {
        what: 'some progress',
      });
      await stack.stopWorker();
      await stack.startWorker();
    }
    const { results } = await waitForExperiment(t, api, id, ['completed', 'failed']);
    // Latency is the one measure that depends on the run's timing.
    for (const arm of [results.baseline, results.candidate]) delete arm.p50LatencyMs;
    return results;
  };
  const undisturbed = await runOnce(false);
  const killed = await runOnce(true);
  t.same(killed, undisturbed, 'the same results');
});
