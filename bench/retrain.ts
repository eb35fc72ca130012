// `npm run bench:retrain [-- --users 1000 --leads 200 --concurrency 10]`: the weekly retraining at scale.
// Synthetic organizations of 10 users, each user's leads drawn from a logistic model of their own (the
// known signal), bulk-inserted; then one weeklyScoringWorkflow through Temporal with an in-process worker:
// the organizations' pooled models first, then every user's own.
// Prints the run's wall time, per-user training time, and the holdout AUC next to scikit-learn's
// LogisticRegression on the same features and the same holdout (needs python3 with scikit-learn).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../src/activities/index.js';
import { createWorker } from '../src/worker/worker.js';
import { createOpenAIGateway } from '../src/openai/gateway.js';
import {
  type FEATURE_NAMES,
  featureRow,
  leadFeatures,
  summarizeCalls,
  type CallRow,
} from '../src/domain/scoring/features.js';
import { accuracy, fitStandardized, rocAuc, sigmoid } from '../src/domain/scoring/logistic-regression.js';
import { startWeeklyScoring } from '../src/temporal/scoring-runs.js';
import { cpuNow, cpuSince } from './cpu.js';
import { fixed, percentile, startBenchStack } from './support.js';
import { random, seededUuid } from '../test/support/random.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    leads: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '10' },
    // Skip the VACUUM and CHECKPOINT after the bulk load: the database's own catch-up then overlaps the run.
    unsettled: { type: 'boolean', default: false },
  },
});
const USERS = Number(args.users);
const LEADS = Number(args.leads);
const CONCURRENCY = Number(args.concurrency);
const OPEN_SHARE = 0.1; // open leads get re-scored, the rest are WON/LOST training data
const USERS_PER_ORG = 10;

// ---- Synthetic data: a per-user "true" logistic model over the documented features.
const rand = random(20261124);
const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
/** Ids from the same stream, so the id-hashed holdout, and every figure but the timings, repeat run to run. */
const uuid = () => seededUuid(rand);

interface SyntheticLead {
  id: string;
  organizationId: string;
  userId: string;
  userIndex: number;
  status: string;
  analysis: Record<string, unknown> | null;
  calls: Required<CallRow>[];
  trueLogit: number;
}

const TRUE_WEIGHTS: Partial<Record<(typeof FEATURE_NAMES)[number], number>> = {
  sentiment: 0.9,
  interestLevel: 2.0,
  budget: 0.7,
  timelineUrgency: 1.0,
  decisionMaker: 0.6,
  objections: -0.8,
  nextSteps: 0.5,
  talkMinutes: 0.4,
};

function syntheticAnalysis(): Record<string, unknown> | null {
  if (rand() < 0.1) return null; // not analysed yet
  // Spelled as different prompts would: camelCase, snake_case, nested, words or numbers.
  const snake = rand() < 0.3;
  const analysis: Record<string, unknown> = {
    summary: 'synthetic',
    [snake ? 'overall_sentiment' : 'sentiment']: pick([
      'positive',
      'neutral',
      'negative',
      'slightly positive',
      0.4,
      -0.6,
    ]),
    [snake ? 'interest_level' : 'interestLevel']:
      rand() < 0.8 ? Math.round(rand() * 10) : pick(['high', 'medium', 'low']),
    [snake ? 'purchase_timeline' : 'timeline']: pick([
      'immediately',
      'this month',
      '1-3 months',
      'next year',
      'no timeline',
      'unknown',
    ]),
    objections: Array.from({ length: Math.floor(rand() * 4) }, () =>
      pick(['price', 'timing', 'integration', 'security']),
    ),
  };
  const qualification = {
    budget: pick([true, false, 'confirmed', 'no budget', 'unknown', '$20k']),
    decisionMaker: pick([true, false, 'unclear', 'CFO']),
  };
  if (rand() < 0.5) Object.assign(analysis, qualification);
  else analysis.qualification = qualification;
  if (rand() < 0.6) analysis[snake ? 'next_steps' : 'nextSteps'] = ['send proposal'];
  return analysis;
}

function generate(organizations: { id: string; users: string[] }[]): SyntheticLead[] {
  const leads: SyntheticLead[] = [];
  let userIndex = 0;
  const epoch = Date.UTC(2026, 0, 1);
  for (const org of organizations) {
    for (const userId of org.users) {
      const scale = 0.5 + rand(); // users differ in how strongly each signal matters
      const intercept = rand() - 0.5;
      for (let i = 0; i < LEADS; i++) {
        const analysis = syntheticAnalysis();
        const calls = Array.from({ length: Math.floor(rand() * 5) }, () => ({
          durationSeconds: Math.round(-Math.log(1 - rand()) * 300),
          startedAt: new Date(epoch + Math.floor(rand() * 60) * 86_400_000),
          createdAt: new Date(epoch),
        }));
        const features = leadFeatures(analysis, summarizeCalls(calls));
        let z = intercept - 1.5; // centres interestLevel's 0..1 range
        for (const [name, weight] of Object.entries(TRUE_WEIGHTS))
          z += scale * weight * features[name as keyof typeof features];
        const won = rand() < sigmoid(z);
        const open = i < LEADS * OPEN_SHARE;
        leads.push({
          id: uuid(),
          organizationId: org.id,
          userId,
          userIndex,
          status: open ? 'NEW' : won ? 'WON' : 'LOST',
          analysis,
          calls,
          trueLogit: z,
        });
      }
      userIndex++;
    }
  }
  return leads;
}

// ---- Bulk insert: one multi-row INSERT (unnest of arrays) per chunk.
async function insertAll(
  execute: (sql: string, params: unknown[]) => Promise<unknown>,
  organizations: { id: string; users: string[] }[],
  leads: SyntheticLead[],
) {
  await execute(
    `insert into organizations (id, name, webhook_secret, created_at) select id, 'Bench ' || id, 'bench-secret', now() from unnest($1::uuid[]) as t(id)`,
    [organizations.map((o) => o.id)],
  );
  const users = organizations.flatMap((o) => o.users.map((u) => [u, o.id] as const));
  await execute(
    `insert into users (id, organization_id, email, password_hash, role, created_at)
     select id, org, 'bench-' || id || '@example.com', 'not-a-hash', 'user', now() from unnest($1::uuid[], $2::uuid[]) as t(id, org)`,
    [users.map((u) => u[0]), users.map((u) => u[1])],
  );
  const CHUNK = 10_000;
  for (let start = 0; start < leads.length; start += CHUNK) {
    const chunk = leads.slice(start, start + CHUNK);
    await execute(
      `insert into leads (id, organization_id, external_id, status, assigned_to_id, complete_analysis, call_count, created_at, updated_at)
       select id, org, id::text, status, usr, analysis::jsonb, calls, now(), now()
       from unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::int[]) as t(id, org, status, usr, analysis, calls)`,
      [
        chunk.map((l) => l.id),
        chunk.map((l) => l.organizationId),
        chunk.map((l) => l.status),
        chunk.map((l) => l.userId),
        chunk.map((l) => (l.analysis ? JSON.stringify(l.analysis) : null)),
        chunk.map((l) => l.calls.length),
      ],
    );
    const calls = chunk.flatMap((l) => l.calls.map((c) => ({ lead: l, call: c })));
    if (calls.length === 0) continue;
    await execute(
      `insert into calls (id, organization_id, call_id, lead_id, user_id, transcript, started_at, duration_seconds, status, workflow_id, created_at)
       select gen_random_uuid(), org, gen_random_uuid()::text, lead, usr, 'synthetic', started, duration, 'analyzed', 'bench', created
       from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::float8[], $6::timestamptz[]) as t(org, lead, usr, started, duration, created)`,
      [
        calls.map((c) => c.lead.organizationId),
        calls.map((c) => c.lead.id),
        calls.map((c) => c.lead.userId),
        calls.map((c) => c.call.startedAt),
        calls.map((c) => c.call.durationSeconds),
        calls.map((c) => c.call.createdAt),
      ],
    );
  }
}

/** PYTHON, else the first python3 that imports sklearn (a pyenv shim may shadow the system one with apt's python3-sklearn). */
async function pythonWithSklearn(): Promise<string> {
  for (const candidate of [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c)) {
    if (
      await promisify(execFile)(candidate, ['-c', 'import sklearn']).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  throw new Error('No python3 with scikit-learn found: install python3-sklearn (apt) or set PYTHON');
}

/** Runs `work` and adds how long it took to `samples`, whether it succeeded or not. */
async function timed<T>(samples: number[], work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    samples.push(performance.now() - started);
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const seconds = (ms: number) => `${fixed(ms / 1000, 1)} s`;

const benchStarted = performance.now();
const stack = await startBenchStack({ worker: false });
const cleanups: (() => Promise<unknown>)[] = [];
try {
  // Plain pg for the bulk load: array parameters go through unchanged.
  const db = new pg.Client({ connectionString: stack.config.databaseUrl });
  await db.connect();
  cleanups.push(() => db.end());
  const execute = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows;

  // 1. Data.
  const organizations = Array.from({ length: Math.ceil(USERS / USERS_PER_ORG) }, (_, o) => ({
    id: uuid(),
    users: Array.from({ length: Math.min(USERS_PER_ORG, USERS - o * USERS_PER_ORG) }, () => uuid()),
  }));
  let t0 = performance.now();
  const leads = generate(organizations);
  await insertAll(execute, organizations, leads);
  const callCount = leads.reduce((n, l) => n + l.calls.length, 0);
  console.log(
    `Data: ${USERS} users × ${LEADS} leads (${fixed(OPEN_SHARE * 100, 0)}% open) in ${organizations.length} organizations = ${leads.length} leads, ${callCount} calls; generated and inserted in ${seconds(performance.now() - t0)}`,
  );
  if (args.unsettled) await execute('analyze', []);
  else {
    // A database the weekly run meets in production has long been vacuumed. Right after a bulk load of 200,000
    // leads the first reads set every row's hint bits, autovacuum's insert threshold fires on leads and calls,
    // and the load's WAL ends in a checkpoint: settled here, none of it can land inside the timed run (the run
    // prints how many checkpoints and autovacuums did).
    t0 = performance.now();
    await execute('vacuum (analyze) leads, calls, users, organizations', []);
    await execute('checkpoint', []);
    console.log(`Settled (vacuum, analyze, checkpoint) in ${seconds(performance.now() - t0)}`);
  }

  // 2. A worker whose training activity is timed (otherwise the real one).
  const deps = {
    config: stack.config,
    orm: stack.orm,
    openai: createOpenAIGateway(stack.config.openai),
    temporal: stack.temporal.client,
  };
  const real = createActivities(deps);
  const trainingMs: number[] = [];
  const organizationMs: number[] = [];
  const connection = await NativeConnection.connect({ address: stack.temporalAddress });
  const worker = await createWorker({
    connection,
    ...deps,
    overrides: {
      activities: {
        ...real,
        optimizeScoringWeights: (pair: Parameters<typeof real.optimizeScoringWeights>[0]) =>
          timed(trainingMs, () => real.optimizeScoringWeights(pair)),
        optimizeOrganizationScoringWeights: (input: Parameters<typeof real.optimizeOrganizationScoringWeights>[0]) =>
          timed(organizationMs, () => real.optimizeOrganizationScoringWeights(input)),
      },
    },
  });
  const running = worker.run();
  cleanups.push(async () => {
    worker.shutdown();
    await running;
    await connection.close();
  });

  // 3. The weekly run, through Temporal, with what else ran meanwhile: checkpoints and autovacuums in
  // PostgreSQL, garbage collection in this process (the worker's).
  // PostgreSQL 17 moved the checkpoint counters to pg_stat_checkpointer.
  const checkpointCounters = [
    'select (checkpoints_timed + checkpoints_req)::int as n from pg_stat_bgwriter',
    'select (num_timed + num_requested)::int as n from pg_stat_checkpointer',
  ];
  const maintenance = async () => {
    let checkpoints = Number.NaN;
    for (const sql of checkpointCounters) {
      const rows = (await execute(sql, []).catch(() => null)) as { n: number }[] | null;
      if (rows) {
        checkpoints = rows[0]!.n;
        break;
      }
    }
    const [row] = (await execute(
      'select coalesce(sum(autovacuum_count + autoanalyze_count), 0)::int as n from pg_stat_user_tables',
      [],
    )) as { n: number }[];
    return { checkpoints, autovacuums: row!.n };
  };
  const gcMs: number[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs.push(entry.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const before = await maintenance();
  const cpu = cpuNow();
  t0 = performance.now();
  const handle = await startWeeklyScoring(
    stack.temporal.client,
    stack.config.temporal.taskQueue,
    { concurrency: CONCURRENCY },
    `bench-retrain-${randomUUID()}`,
  );
  const result = await handle.result();
  const wallMs = performance.now() - t0;
  gcObserver.disconnect();
  const used = cpuSince(cpu);
  const after = await maintenance();
  console.log(
    `CPU during the run (${seconds(wallMs)} wall × 2 cores): Temporal server ${seconds(used.temporal * 1000)}, ` +
      `PostgreSQL ${seconds(used.postgres * 1000)}, this process (worker and its workflows) ${seconds(used.node * 1000)}`,
  );
  console.log(
    `During the run: ${after.checkpoints - before.checkpoints} checkpoint(s) and ${after.autovacuums - before.autovacuums} autovacuum/autoanalyze run(s) in PostgreSQL; ` +
      `${gcMs.length} GC pauses in this process totalling ${seconds(gcMs.reduce((a, b) => a + b, 0))}`,
  );
  console.log(
    `Weekly run through Temporal (${CONCURRENCY} children at a time): ${seconds(wallMs)} wall for ${result.users} users = ${fixed(result.users / (wallMs / 1000), 1)} users/s; trained ${result.trained}, activated ${result.activated}, insufficient data ${result.insufficientData}, failed ${result.failed}`,
  );
  console.log(
    `Organization models: ${result.organizations} trained (${result.organizationsActivated} activated, ${result.organizationsFailed} failed); pooled training activity mean ${fixed(mean(organizationMs))} ms, p95 ${fixed(percentile(organizationMs, 95))} ms, total ${seconds(organizationMs.reduce((a, b) => a + b, 0))}`,
  );
  console.log(
    `Per-user training activity (load leads + calls, features, fit, evaluate, store, re-score open leads): mean ${fixed(mean(trainingMs))} ms, p50 ${fixed(percentile(trainingMs, 50))} ms, p95 ${fixed(percentile(trainingMs, 95))} ms, max ${fixed(Math.max(...trainingMs))} ms`,
  );

  // 4. The same features and holdout, for both implementations.
  const models = (await execute(
    'select user_id, auc, accuracy, training_lead_ids, holdout_lead_ids from lead_scoring_models where active and user_id is not null',
    [],
  )) as { user_id: string; auc: number; accuracy: number; training_lead_ids: string[]; holdout_lead_ids: string[] }[];
  const byId = new Map(leads.map((l) => [l.id, l]));
  const userIndexOf = new Map(leads.map((l) => [l.userId, l.userIndex]));
  const csv: string[] = [];
  const ours = new Map<
    number,
    { auc: number; accuracy: number; fitMs: number; weights: number[]; oracleAuc: number }
  >();
  for (const model of models) {
    const userIndex = userIndexOf.get(model.user_id)!;
    const example = (id: string) => {
      const lead = byId.get(id)!;
      return {
        row: featureRow(leadFeatures(lead.analysis, summarizeCalls(lead.calls))),
        label: lead.status === 'WON' ? 1 : 0,
        trueLogit: lead.trueLogit,
      };
    };
    const training = model.training_lead_ids.map(example);
    const holdout = model.holdout_lead_ids.map(example);
    for (const [split, examples] of [
      [0, training],
      [1, holdout],
    ] as const)
      for (const e of examples) csv.push([userIndex, split, e.label, ...e.row].join(','));
    const started = performance.now();
    const { fit, probability } = fitStandardized(
      training.map((e) => e.row),
      training.map((e) => e.label),
    );
    const fitMs = performance.now() - started;
    const p = holdout.map((e) => probability(e.row));
    const labels = holdout.map((e) => e.label);
    if (Math.abs(rocAuc(p, labels)! - model.auc) > 1e-9)
      throw new Error(`stored AUC of ${model.user_id} does not match a refit (${model.auc} vs ${rocAuc(p, labels)})`);
    ours.set(userIndex, {
      auc: model.auc,
      accuracy: accuracy(p, labels)!,
      fitMs,
      weights: [...fit.weights, fit.intercept],
      oracleAuc: rocAuc(
        holdout.map((e) => e.trueLogit),
        labels,
      )!,
    });
  }

  const scratch = await mkdtemp(join(tmpdir(), 'callsense-retrain-'));
  cleanups.push(() => rm(scratch, { recursive: true, force: true }));
  const csvPath = join(scratch, 'leads.csv');
  await writeFile(csvPath, `${csv.join('\n')}\n`);
  const script = fileURLToPath(new URL('./retrain_sklearn.py', import.meta.url));
  const { stdout } = await promisify(execFile)(await pythonWithSklearn(), [script, csvPath], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const sklearn = new Map(
    Object.entries(JSON.parse(stdout) as Record<string, number[]>).map(([k, v]) => [Number(k), v]),
  );

  const users = [...ours.keys()].filter((u) => sklearn.has(u));
  const aucOurs = mean(users.map((u) => ours.get(u)!.auc));
  const aucSk = mean(users.map((u) => sklearn.get(u)![0]!));
  const accOurs = mean(users.map((u) => ours.get(u)!.accuracy));
  const accSk = mean(users.map((u) => sklearn.get(u)![1]!));
  const aucDiff = users.map((u) => Math.abs(ours.get(u)!.auc - sklearn.get(u)![0]!));
  const coefDiff = users.map((u) =>
    Math.max(...ours.get(u)!.weights.map((w, j) => Math.abs(w - sklearn.get(u)![3 + j]!))),
  );
  const fitOurs = mean(users.map((u) => ours.get(u)!.fitMs));
  const fitSk = mean(users.map((u) => sklearn.get(u)![2]! * 1000));
  console.log(
    `Holdout AUC, mean over ${users.length} users: CallSense ${fixed(aucOurs, 4)}, scikit-learn ${fixed(aucSk, 4)}, ratio ${fixed(aucOurs / aucSk, 4)}; per user |Δ| mean ${mean(aucDiff).toExponential(2)}, max ${Math.max(...aucDiff).toExponential(2)}; the true model scores ${fixed(mean(users.map((u) => ours.get(u)!.oracleAuc)), 4)}`,
  );
  console.log(
    `Holdout accuracy: CallSense ${fixed(accOurs, 4)}, scikit-learn ${fixed(accSk, 4)}, ratio ${fixed(accOurs / accSk, 4)}; largest weight difference over all users ${Math.max(...coefDiff).toExponential(2)}`,
  );
  console.log(
    `Standardize + fit alone, per user (same rows, in-process): CallSense ${fixed(fitOurs, 2)} ms, scikit-learn ${fixed(fitSk, 2)} ms, ratio ${fixed(fitOurs / fitSk, 2)}`,
  );
  console.log(`Whole benchmark: ${seconds(performance.now() - benchStarted)}`);
} finally {
  for (const c of cleanups.reverse()) await c().catch((e) => console.error(`cleanup: ${(e as Error).message}`));
  await stack.close();
}
