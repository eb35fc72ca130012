// The demo organization of a first start (src/demo): what it holds, that it is learnable but not perfect, that
// building it asks OpenAI nothing, that it is the same every time, that it is filled once and only where allowed,
// and that `Send test call` takes a signed sample call through intake to `analyzed` (the OpenAI stand-in answers).
import t from 'tap';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fillDemo, fillDemoOnFirstStart, type DemoFill } from '../../src/demo/fill.js';
import { DEMO_ADMIN_EMAIL, DEMO_DAYS, DEMO_ORGANIZATION_NAME, DEMO_PASSWORD } from '../../src/demo/generate.js';
import { as, signup, type Account } from '../support/api.js';
import { startStack, waitFor, type Stack } from '../support/harness.js';

/** A fixed `now`: every time the demo writes is relative to it, so two fills can be compared row by row. */
const NOW = new Date('2026-11-30T16:00:00.000Z');
const DAY = 86_400_000;

async function one<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T> {
  const [row] = await em.getConnection().execute<T[]>(sql, params);
  return row!;
}

/**
 * A checksum per table of the demo organization's rows. Only what is random by design is left out: the ids of
 * rows the product's own training code inserts (models, runs, score history), the webhook secret and password
 * hashes (salted).
 */
async function checksums(stack: Stack, organizationId: string): Promise<Record<string, string>> {
  const em = stack.orm.em.fork();
  const tables: [table: string, where: string, without: string[]][] = [
    ['organizations', 'id = ?', ['webhook_secret', 'previous_webhook_secret']],
    ['users', 'organization_id = ?', ['password_hash']],
    ['prompts', 'organization_id = ?', []],
    ['prompt_versions', 'organization_id = ?', []],
    ['prompt_changes', 'organization_id = ?', []],
    ['audit_events', 'organization_id = ?', []],
    ['leads', 'organization_id = ?', []],
    ['calls', 'organization_id = ?', []],
    ['analyses', 'organization_id = ?', []],
    ['lead_scoring_models', 'organization_id = ?', ['id']],
    ['scoring_runs', 'organization_id = ?', ['id']],
    ['lead_score_history', 'organization_id = ?', ['id']],
    ['prompt_experiments', 'organization_id = ?', []],
    ['experiment_items', 'organization_id = ?', []],
  ];
  const sums: Record<string, string> = {};
  for (const [table, where, without] of tables) {
    const row = await one<{ n: number; sum: string }>(
      em,
      `select count(*)::int as n, md5(coalesce(string_agg(r, '|' order by r), '')) as sum
         from (select (to_jsonb(t) - ?::text[])::text as r from ${table} t where ${where}) rows`,
      [`{${without.join(',')}}`, organizationId],
    );
    sums[table] = `${row.n}:${row.sum}`;
  }
  return sums;
}

const created = (fill: DemoFill) => {
  if (fill.status !== 'created') throw new Error(`expected a new demo organization, got ${JSON.stringify(fill)}`);
  return fill;
};

t.test('the first start fills a demo organization from the real pipeline code, without OpenAI', async (t) => {
  const stack = await startStack(t);
  const em = stack.orm.em.fork();
  const fill = created(await fillDemoOnFirstStart(stack.orm, stack.config, { demoData: undefined, now: NOW }));
  const { organizationId } = fill.summary;
  t.equal(stack.fake.requests.length, 0, 'no Responses request');
  t.equal(stack.fake.modelRequests.length, 0, 'no model lookup');
  t.ok(fill.seconds < 30, `filled in ${fill.seconds.toFixed(1)} s`);

  t.test('accounts and prompt settings', async (t) => {
    const org = await one<{ demo: boolean; default_individual_prompt: string }>(
      em,
      'select demo, default_individual_prompt from organizations where id = ?',
      [organizationId],
    );
    t.equal(org.demo, true, 'marked demo');
    const users = await em
      .getConnection()
      .execute<{ email: string; role: string; setting: string | null }[]>(
        `select email, role, openai_individual_prompt_id as setting from users where organization_id = ? order by email`,
        [organizationId],
      );
    t.equal(users.length, 4, 'the admin and three reps');
    t.ok(users.some((u) => u.email === DEMO_ADMIN_EMAIL && u.role === 'admin'));
    const reps = users.filter((u) => u.role === 'user');
    const settings = new Set(reps.map((r) => r.setting ?? `default:${org.default_individual_prompt}`));
    t.equal(settings.size, 3, 'three different prompt settings');
    t.ok(
      reps.some((r) => r.setting === 'prm_systemindividual'),
      'one rep on the built-in prompt',
    );
    const versions = await one<{ n: number }>(
      em,
      'select count(*)::int as n from prompt_versions where prompt_id = ?',
      [org.default_individual_prompt],
    );
    t.equal(versions.n, 2, 'the organization default has two versions');
    // Every call's prompt is what the resolution line names for its rep.
    const sources = await em.getConnection().execute<{ prompt_source: string; prompt_id: string; n: number }[]>(
      `select prompt_source, prompt_id, count(*)::int as n from calls where organization_id = ?
          group by 1, 2 order by 1, 2`,
      [organizationId],
    );
    t.equal(new Set(sources.map((s) => s.prompt_id)).size, 3, 'calls ran three prompts');
    t.ok(sources.some((s) => s.prompt_source === 'organization'));
  });

  t.test('counts and time span', async (t) => {
    const calls = await one<{ n: number; first: Date; last: Date; analyzed: number; agents: number }>(
      em,
      `select count(*)::int as n, min(started_at) as first, max(started_at) as last,
              count(*) filter (where status = 'analyzed' and analysis is not null)::int as analyzed,
              count(*) filter (where transcript like 'agent: %' and transcript like '%' || chr(10) || 'customer: %')::int
                as agents
         from calls where organization_id = ?`,
      [organizationId],
    );
    t.ok(calls.n >= 1000, `${calls.n} calls`);
    t.equal(calls.analyzed, calls.n, 'every call analysed');
    t.equal(calls.agents, calls.n, 'transcripts in the roles our webhooks produce');
    t.ok(new Date(calls.first).getTime() >= NOW.getTime() - DEMO_DAYS * DAY, 'no call before the 120 days');
    t.ok(new Date(calls.first).getTime() < NOW.getTime() - 110 * DAY, 'calls from the start of the span');
    t.ok(new Date(calls.last).getTime() < NOW.getTime(), 'no call after now');
    t.ok(new Date(calls.last).getTime() > NOW.getTime() - 2 * DAY, 'calls up to the last days');
    const leads = await one<{ n: number; won: number; lost: number; open: number; complete: number }>(
      em,
      `select count(*)::int as n, count(*) filter (where status = 'WON')::int as won,
              count(*) filter (where status = 'LOST')::int as lost,
              count(*) filter (where status not in ('WON', 'LOST'))::int as open,
              count(*) filter (where complete_analysis is not null)::int as complete
         from leads where organization_id = ?`,
      [organizationId],
    );
    t.ok(leads.n >= 300, `${leads.n} leads`);
    t.ok(leads.won >= 40 && leads.lost >= 40 && leads.open >= 40, `${leads.won} WON, ${leads.lost} LOST`);
    t.equal(leads.complete, leads.n, 'every lead has its complete analysis');
    const analyses = await one<{ individual: number; complete: number; keys: number; usage: number }>(
      em,
      `select count(*) filter (where kind = 'individual')::int as individual,
              count(*) filter (where kind = 'complete')::int as complete,
              count(distinct run_key)::int as keys,
              count(*) filter (where input_tokens > 0 and output_tokens > 0 and model is not null)::int as usage
         from analyses where organization_id = ?`,
      [organizationId],
    );
    t.equal(analyses.individual, calls.n, 'one individual analysis per call');
    t.equal(analyses.complete, calls.n, 'one fold per call');
    t.equal(analyses.usage, 2 * calls.n, 'model and usage on every analysis');
    t.equal(analyses.keys, 2 * calls.n, 'run keys unique');
  });

  t.test('analyses agree with their transcripts', async (t) => {
    const rows = await em
      .getConnection()
      .execute<{ transcript: string; analysis: { budget: string; decisionMaker: string } }[]>(
        `select transcript, analysis from calls where organization_id = ? and prompt_id = 'prm_systemindividual'`,
        [organizationId],
      );
    t.ok(rows.length > 100);
    const disagree = rows.filter(
      (row) =>
        (row.analysis.budget === 'confirmed') !== /\$[\d,]+/.test(row.transcript) ||
        (row.analysis.budget === 'none') !== /no budget|do not have money/.test(row.transcript) ||
        (row.analysis.decisionMaker === 'not-involved') !== /has the final say/.test(row.transcript),
    );
    t.equal(disagree.length, 0, 'budget and decision maker as the customer said them');
  });

  t.test('models trained by the training code reach a real, not perfect, AUC', async (t) => {
    const models = await em
      .getConnection()
      .execute<{ user_id: string | null; version: number; auc: number; holdout_count: number }[]>(
        `select user_id, version, auc, holdout_count from lead_scoring_models where organization_id = ? and active`,
        [organizationId],
      );
    t.equal(models.length, 4, 'the organization model and one per rep');
    for (const model of models) {
      t.ok(model.auc > 0.6 && model.auc < 0.99, `${model.user_id ?? 'organization'} v${model.version}: ${model.auc}`);
      t.ok(model.holdout_count >= 10);
    }
    const runs = await one<{ n: number; insufficient: number; versions: number }>(
      em,
      `select count(*)::int as n, count(*) filter (where outcome = 'insufficient-data')::int as insufficient,
              (select count(*)::int from lead_scoring_models where organization_id = ?) as versions
         from scoring_runs where organization_id = ?`,
      [organizationId, organizationId],
    );
    t.ok(runs.insufficient > 0, 'early weeks had too few outcomes');
    t.ok(runs.versions > 8, `${runs.versions} model versions over the weeks`);
  });

  t.test('scores with their history', async (t) => {
    const open = await one<{ n: number; scored: number; explained: number }>(
      em,
      `select count(*)::int as n, count(score)::int as scored, count(score_explanation)::int as explained
         from leads where organization_id = ? and status not in ('WON', 'LOST')`,
      [organizationId],
    );
    t.equal(open.scored, open.n, 'every open lead scored');
    t.equal(open.explained, open.n, 'with its explanation');
    const history = await one<{ leads: number; causes: string[]; latest: Date }>(
      em,
      `select count(distinct lead_id)::int as leads, array_agg(distinct cause::text) as causes, max(at) as latest
         from lead_score_history where organization_id = ?`,
      [organizationId],
    );
    t.ok(history.leads > 200, `${history.leads} leads with a history`);
    t.same([...history.causes].sort(), ['analysis', 'retrain']);
    t.ok(new Date(history.latest) < NOW, 'history before now');
    const long = await one<{ n: number }>(
      em,
      `select count(*)::int as n from (select lead_id from lead_score_history where organization_id = ?
         group by lead_id having count(*) >= 3) l`,
      [organizationId],
    );
    t.ok(long.n > 50, 'many leads with several changes');
  });

  t.test('one finished prompt experiment with results', async (t) => {
    const experiment = await one<{
      status: string;
      total: number;
      results: { leads: number; baseline: { auc: number }; candidate: { auc: number }; verdict: string };
    }>(em, 'select status, total, results from prompt_experiments where organization_id = ?', [organizationId]);
    t.equal(experiment.status, 'completed');
    t.ok(experiment.results.leads >= 100);
    t.ok(experiment.results.baseline.auc > 0.5 && experiment.results.candidate.auc > 0.5);
    const items = await one<{ n: number; done: number; reused: number }>(
      em,
      `select count(*)::int as n, count(*) filter (where status = 'done')::int as done,
              count(*) filter (where reused)::int as reused from experiment_items where organization_id = ?`,
      [organizationId],
    );
    t.equal(items.n, experiment.total);
    t.equal(items.done, items.n);
    t.ok(items.reused > 0, 'stored analyses of a version reused');
  });

  t.test('GET /auth/me names the demo organization; the demo login works', async (t) => {
    const login = await stack.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD },
    });
    t.equal(login.statusCode, 200);
    const admin = login.json() as Account;
    const me = await as(stack.app, admin).get('/auth/me');
    t.same(me.json().organization, { id: organizationId, name: DEMO_ORGANIZATION_NAME, demo: true });
    const other = await signup(stack.app);
    t.same((await as(stack.app, other).get('/auth/me')).json().organization.demo, false);
  });

  t.test('a restart adds nothing', async (t) => {
    const before = await checksums(stack, organizationId);
    const again = await fillDemoOnFirstStart(stack.orm, stack.config, { demoData: undefined, now: NOW });
    t.equal(again.status, 'exists');
    t.equal((await fillDemo(stack.orm, stack.config, { now: NOW })).status, 'exists', 'nor a fill by hand');
    t.same(await checksums(stack, organizationId), before);
    const orgs = await one<{ n: number }>(em, 'select count(*)::int as n from organizations where demo');
    t.equal(orgs.n, 1);
  });

  t.test('a second fill elsewhere writes the same rows', async (t) => {
    const other = await startStack(t, { worker: false });
    const second = created(await fillDemo(other.orm, other.config, { now: NOW }));
    t.equal(second.summary.organizationId, organizationId, 'the same ids');
    t.same(await checksums(other, organizationId), await checksums(stack, organizationId));
  });

  t.test('Send test call: a signed sample call reaches analyzed', async (t) => {
    const login = await stack.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD },
    });
    const admin = as(stack.app, login.json() as Account);
    const sent = await admin.post('/admin/test-call');
    t.equal(sent.statusCode, 202, sent.body);
    const { id, waiting } = sent.json() as { id: string; waiting: string | null };
    t.equal(waiting, null, 'a key is configured');
    const call = await waitFor(
      async () => {
        const body = (await admin.get(`/calls/${id}`)).json();
        return body.status === 'analyzed' ? body : null;
      },
      { timeoutMs: 60_000, what: 'the test call to be analysed' },
    );
    t.equal(call.source, 'callsense');
    t.ok(stack.fake.requests.length > 0, 'the stand-in analysed it');
  });
});

t.test('DEMO_DATA=off, production and an existing organization skip the first-start fill', async (t) => {
  const stack = await startStack(t, { worker: false });
  const count = async () =>
    (await one<{ n: number }>(stack.orm.em.fork(), 'select count(*)::int as n from organizations')).n;
  t.same(await fillDemoOnFirstStart(stack.orm, stack.config, { demoData: 'off', now: NOW }), {
    status: 'skipped',
    reason: 'DEMO_DATA=off',
  });
  const production = { ...stack.config, nodeEnv: 'production' };
  t.equal((await fillDemoOnFirstStart(stack.orm, production, { demoData: undefined, now: NOW })).status, 'skipped');
  t.equal((await fillDemo(stack.orm, production, { now: NOW })).status, 'skipped', 'nor by hand');
  t.equal(await count(), 0, 'nothing written');
  await signup(stack.app);
  const fill = await fillDemoOnFirstStart(stack.orm, stack.config, { demoData: undefined, now: NOW });
  t.same(fill, { status: 'skipped', reason: 'the database already has organizations' });
  t.equal(await count(), 1);
});

t.test('without an OpenAI key the test call waits in queued and says why', async (t) => {
  const stack = await startStack(t, { env: { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined } });
  const admin = await signup(stack.app);
  const sent = await as(stack.app, admin).post('/admin/test-call');
  t.equal(sent.statusCode, 202, sent.body);
  const { id, waiting } = sent.json() as { id: string; waiting: string };
  t.match(waiting, /OPENAI_API_KEY/);
  const call = await waitFor(
    async () => {
      const body = (await as(stack.app, admin).get(`/calls/${id}`)).json();
      return body.error ? body : null;
    },
    { timeoutMs: 60_000, what: 'the call to say why it waits' },
  );
  t.equal(call.status, 'queued');
  t.match(call.error, /OPENAI_API_KEY/);
  t.equal(stack.fake.requests.length, 0);
});
