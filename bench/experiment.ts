import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  evaluateExperiment,
  outOfFoldProbabilities,
  pairedBootstrapAucDifference,
  stratifiedFolds,
} from '../src/domain/scoring/experiment-evaluation.js';
import { featureRow, leadFeatures, summarizeCalls, type CallRow } from '../src/domain/scoring/features.js';
import { as } from '../test/support/api.js';
import { WON_MARK, experimentPrompt, outcomeLeads, scriptExperiment } from '../test/support/experiments.js';
import { createTenant, type Tenant } from '../test/support/tenant.js';
import { fixed, percentile, startBenchStack } from './support.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '2000' },
    calls: { type: 'string', default: '3' },
    'delay-ms': { type: 'string', default: '200' },
  },
});
const LEADS = Number(args.leads);
const CALLS = Number(args.calls);
const DELAY_MS = Number(args['delay-ms']);
const FULL_SIZE = 2000;
const EVALUATION_RUNS = 5;
if (!(Number.isInteger(LEADS) && LEADS >= 20 && LEADS <= FULL_SIZE))
  throw new Error(`--leads must be a whole number from 20 to ${FULL_SIZE}`);
if (!(Number.isInteger(CALLS) && CALLS >= 1)) throw new Error('--calls must be a whole number of at least 1');

/** Interest the candidate reads off a transcript: the outcome's mark, blurred so the classes overlap a little. */
function candidateInterest(input: string): number {
  const n = Number(/\((\d+)\.(\d+)\)/.exec(input)?.[1] ?? 0);
  return (input.includes(WON_MARK) ? 5 : 2) + (n % 4);
}

async function seed(tenant: Tenant): Promise<string> {
  const promptId = await experimentPrompt(tenant, 'Bench discovery');
  await outcomeLeads(tenant, promptId, { won: Math.ceil(LEADS / 2), lost: Math.floor(LEADS / 2), calls: CALLS });
  return promptId;
}

/** Each arm's lead feature rows as the evaluation activity builds them, from the finished experiment's items. */
async function featureRowsOf(tenant: Tenant, experimentId: string) {
  const connection = tenant.em().getConnection();
  const items = await connection.execute<{ arm: string; lead_id: string; analysis: unknown }[]>(
    `select arm, lead_id, analysis from experiment_items where experiment_id = ? and kind = 'complete'`,
    [experimentId],
  );
  const leadIds = [...new Set(items.map((item) => item.lead_id))];
  const leads = await connection.execute<{ id: string; status: string }[]>(
    `select id, status from leads where id = any(?::uuid[]) and status in ('WON', 'LOST') order by id`,
    [`{${leadIds.join(',')}}`],
  );
  const calls = await connection.execute<
    { lead_id: string; duration_seconds: number | null; started_at: Date | null; created_at: Date }[]
  >(`select lead_id, duration_seconds, started_at, created_at from calls where lead_id = any(?::uuid[])`, [
    `{${leadIds.join(',')}}`,
  ]);
  const callsOf = new Map<string, CallRow[]>();
  for (const call of calls)
    callsOf.set(call.lead_id, [
      ...(callsOf.get(call.lead_id) ?? []),
      {
        durationSeconds: call.duration_seconds,
        startedAt: call.started_at ? new Date(call.started_at) : null,
        createdAt: new Date(call.created_at),
      },
    ]);
  const analysisOf = new Map(items.map((item) => [`${item.arm}:${item.lead_id}`, item.analysis]));
  const rowsOf = (arm: string) =>
    leads.map((lead) =>
      featureRow(leadFeatures(analysisOf.get(`${arm}:${lead.id}`) ?? null, summarizeCalls(callsOf.get(lead.id) ?? []))),
    );
  return {
    baseline: rowsOf('baseline'),
    candidate: rowsOf('candidate'),
    labels: leads.map((lead) => (lead.status === 'WON' ? 1 : 0)),
  };
}

type Rows = Awaited<ReturnType<typeof featureRowsOf>>;

/** `rows` repeated (in order) up to `size` leads: the same feature shape at the full size. */
function grown(rows: Rows, size: number): Rows {
  const pick = <T>(list: T[]) => Array.from({ length: size }, (_, i) => list[i % list.length]!);
  return { baseline: pick(rows.baseline), candidate: pick(rows.candidate), labels: pick(rows.labels) };
}

/** Median milliseconds of EVALUATION_RUNS runs of each part of the evaluation, and of the whole. */
function timeEvaluation(rows: Rows) {
  const median = (run: () => unknown) => {
    const samples: number[] = [];
    for (let i = 0; i < EVALUATION_RUNS; i++) {
      const started = performance.now();
      run();
      samples.push(performance.now() - started);
    }
    return percentile(samples, 50);
  };
  const folds = stratifiedFolds(rows.labels);
  const foldsMs = median(() => {
    outOfFoldProbabilities(rows.baseline, rows.labels, folds);
    outOfFoldProbabilities(rows.candidate, rows.labels, folds);
  });
  const baseline = outOfFoldProbabilities(rows.baseline, rows.labels, folds);
  const candidate = outOfFoldProbabilities(rows.candidate, rows.labels, folds);
  const bootstrapMs = median(() => pairedBootstrapAucDifference(baseline, candidate, rows.labels));
  const totalMs = median(() => evaluateExperiment(rows.baseline, rows.candidate, rows.labels));
  return { foldsMs, bootstrapMs, totalMs, evaluation: evaluateExperiment(rows.baseline, rows.candidate, rows.labels) };
}

const stack = await startBenchStack({ worker: true });
try {
  // 2,000 leads × 3 calls spend more tokens than the default daily budget (OPENAI_TOKEN_BUDGET_PER_DAY), which
  // would pause the experiment until tomorrow: the bench measures throughput, so the budget is lifted (0 = none).
  stack.config.openai.tokenBudgetPerDay = 0;
  const tenant = await createTenant(stack);
  const seedStarted = performance.now();
  const promptId = await seed(tenant);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  scriptExperiment(stack.fake, promptId, { interest: candidateInterest, delayMs: DELAY_MS });
  stack.fake.reset();

  const api = as(stack.app, tenant.admin);
  const started = performance.now();
  const answer = await api.post(`/prompts/${promptId}/experiments`, {
    candidateVersion: 2,
    baselineVersion: 1,
    maxLeads: LEADS,
  });
  if (answer.statusCode !== 202)
    throw new Error(`starting the experiment answered ${answer.statusCode}: ${answer.body}`);
  const { id } = answer.json() as { id: string };
  let view: {
    status: string;
    progress: { total: number; done: number; failed: number };
    results: { baseline: { auc: number | null }; candidate: { auc: number | null }; verdict: string } | null;
    error: string | null;
  };
  let reported = performance.now();
  for (;;) {
    view = (await api.get(`/prompts/experiments/${id}`)).json();
    if (view.status !== 'running') break;
    if (performance.now() - reported > 15_000) {
      reported = performance.now();
      const { done, failed, total } = view.progress;
      console.error(`  … ${done + failed} of ${total} items after ${fixed((reported - started) / 1000)} s`);
    }
    await sleep(250);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  if (view.status !== 'completed') throw new Error(`the experiment ended ${view.status}: ${view.error ?? ''}`);

  const requests = stack.fake.requests.length;
  const slots = stack.config.openai.maxConcurrentPerOrganization;
  const ceiling = slots / (DELAY_MS / 1000);
  const rate = requests / wallSeconds;
  const peak = stack.fake.maxConcurrent();

  const rows = await featureRowsOf(tenant, id);
  const measured = timeEvaluation(rows);
  const sameAsWorkflow =
    measured.evaluation.baseline.auc === view.results!.baseline.auc &&
    measured.evaluation.candidate.auc === view.results!.candidate.auc;

  console.log(
    `\nbench:experiment — ${LEADS} leads × ${CALLS} calls, stand-in answering in ${DELAY_MS} ms, ` +
      `${slots} OpenAI slots per organization (OPENAI_MAX_CONCURRENT_PER_ORGANIZATION), Temporal at ${stack.temporalAddress}` +
      ` (seeding took ${fixed(seedSeconds)} s)`,
  );
  console.table({
    experiment: {
      'wall (s)': fixed(wallSeconds),
      items: view.progress.total,
      failed: view.progress.failed,
      'OpenAI requests': requests,
      'requests/s': fixed(rate),
      [`ceiling/s (${slots} slots ÷ ${DELAY_MS / 1000} s)`]: fixed(ceiling),
      'vs ceiling': fixed(rate / ceiling, 2),
      // Experiments queue behind production: they take at most half the organization's slots.
      'vs half the slots': fixed(rate / (ceiling / 2), 2),
      'peak in flight': peak,
      'peak vs slots': fixed(peak / slots, 2),
      verdict: view.results!.verdict,
    },
  });
  const evaluationRows: Record<string, Record<string, string | number>> = {};
  const addEvaluation = (label: string, timing: ReturnType<typeof timeEvaluation>, leads: number) => {
    evaluationRows[label] = {
      leads,
      'folds, both arms (ms)': fixed(timing.foldsMs),
      'bootstrap (ms)': fixed(timing.bootstrapMs),
      'evaluateExperiment (ms)': fixed(timing.totalMs),
      'vs 1 s': fixed(timing.totalMs / 1000, 3),
    };
  };
  addEvaluation('this experiment', measured, rows.labels.length);
  if (rows.labels.length < FULL_SIZE)
    addEvaluation('its rows repeated', timeEvaluation(grown(rows, FULL_SIZE)), FULL_SIZE);
  console.log(
    `evaluation (median of ${EVALUATION_RUNS}; AUCs ${sameAsWorkflow ? 'match' : 'DIFFER FROM'} the workflow's results):`,
  );
  console.table(evaluationRows);
} finally {
  await stack.close();
}
