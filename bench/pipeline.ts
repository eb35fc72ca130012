// `npm run bench:pipeline`: calls end to end (signed webhook → callAnalysisWorkflow → OpenAI → PostgreSQL →
// leadAnalysisWorkflow fold) with an instant and with a 2-second model, against a bare workflow of two
// trivial activities on the same Temporal server and worker settings; then the complete-analysis input
// size for call #2 and call #50 of one lead (it must not grow with the number of calls).
// The calls come from several organizations, as a multi-tenant service receives them; the 2-second model also
// runs with every call in one organization, where the per-organization cap on OpenAI requests binds.
import { cpuNow, cpuSince, type CpuSeconds } from './cpu.js';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { leadWorkflowId } from '../src/temporal/ids.js';
import { startLeadWorkflow } from '../src/temporal/starters.js';
import { Call } from '../src/domain/calls/call.entity.js';
import { deliverCall } from '../test/support/api.js';
import { bareActivities } from './bare-activities.js';
import { bareWorkflow } from './bare-workflow.js';
import {
  SYSTEM_COMPLETE_PROMPT,
  SYSTEM_INDIVIDUAL_PROMPT,
  benchRounds,
  fixed,
  formatRatio,
  inParallel,
  interleave,
  machineLine,
  median,
  startBenchStack,
  type BenchStack,
} from './support.js';
import { createTenant, type Tenant } from '../test/support/tenant.js';
import { exampleOutput } from '../test/support/fake-openai.js';

const CALLS = 200;
const LEADS = 40;
const IN_FLIGHT = 20; // concurrent deliveries / starts
const GROWTH_CALLS = 50;
const ORGANIZATIONS = 10;
// Interleaved with the bare workflow (`--rounds N`, default 5): the 10-organization runs, whose ratio is the
// contract. The one-organization run is bounded by the per-organization cap, not by the code: one round of it.
const RUNS = [
  { delayMs: 0, organizations: ORGANIZATIONS, interleaved: true },
  { delayMs: 2000, organizations: ORGANIZATIONS, interleaved: true },
  { delayMs: 2000, organizations: 1, interleaved: false },
];
const ROUNDS = benchRounds();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (since: number) => (performance.now() - since) / 1000;
const transcript = (i: number) =>
  `agent: Thanks for taking my call, this is call ${i}.\nlead: ${'We are interested in the annual plan, tell me more about onboarding. '.repeat(6)}`;

interface Analysis {
  summary: string;
  sentiment: string;
  interestLevel: number;
  objections: string[];
  nextSteps: string[];
}

/**
 * A complete analysis like a model writes one, in the built-in schema: a summary of bounded size, however many
 * calls it covers (their count kept in the summary's words, as a model would).
 */
function boundedCompleteRespond(input: string, body: Record<string, unknown>): string {
  const document = JSON.parse(input) as {
    lead: { name: string | null };
    previousAnalysis: Analysis | null;
    newAnalyses: { analysis: Analysis }[];
  };
  const schema = (body.text as { format: { schema: Record<string, unknown> } }).format.schema;
  const previous = document.previousAnalysis;
  const previousCalls = Number(/across (\d+) calls/.exec(previous?.summary ?? '')?.[1] ?? 0);
  const added = document.newAnalyses.map((c) => c.analysis);
  const calls = previousCalls + added.length;
  const interest =
    ((previous?.interestLevel ?? 0) * previousCalls + added.reduce((sum, a) => sum + a.interestLevel, 0)) / calls;
  const latest = added.at(-1);
  return JSON.stringify({
    ...(exampleOutput(schema, input) as object),
    summary: `${document.lead.name ?? 'The lead'} across ${calls} calls; latest: ${latest?.summary ?? ''}`.slice(
      0,
      300,
    ),
    sentiment: latest?.sentiment ?? previous?.sentiment ?? 'neutral',
    interestLevel: Math.round(interest),
    objections: (latest?.objections ?? []).slice(0, 5),
    nextSteps: (latest?.nextSteps ?? []).slice(0, 5),
  });
}

function setPromptLatency(stack: BenchStack, delayMs: number) {
  stack.fake.definePrompt(SYSTEM_INDIVIDUAL_PROMPT, { delayMs });
  stack.fake.definePrompt(SYSTEM_COMPLETE_PROMPT, { delayMs, respond: boundedCompleteRespond });
}

async function progress(stack: BenchStack, organizationIds: string[]) {
  const [row] = await stack.orm.em.getConnection().execute<{ finished: number; failed: number; folded: number }[]>(
    `select count(*) filter (where status in ('analyzed', 'failed'))::int as finished, count(*) filter (where status = 'failed')::int as failed,
            count(*) filter (where folded_at is not null)::int as folded
       from calls where organization_id in (?)`,
    [organizationIds],
  );
  return row!;
}

/** Milliseconds of CPU per call in each process family, medians over the rounds. */
function cpuPerCall(samples: CpuSeconds[]): Record<string, string> {
  const ms = (pick: (cpu: CpuSeconds) => number) => fixed(median(samples.map((cpu) => (pick(cpu) / CALLS) * 1000)), 2);
  return {
    'CallSense process (API, worker, load, model)': ms((cpu) => cpu.node),
    'Temporal server': ms((cpu) => cpu.temporal),
    PostgreSQL: ms((cpu) => cpu.postgres),
    total: ms((cpu) => cpu.node + cpu.temporal + cpu.postgres),
  };
}

/** Workflows/s of the baseline: CALLS bare workflows started IN_FLIGHT at a time, until all complete. */
async function runBare(
  stack: BenchStack,
  taskQueue: string,
  delayMs: number,
): Promise<{ rate: number; cpu: CpuSeconds }> {
  const cpu = cpuNow();
  const started = performance.now();
  const handles: Promise<void>[] = [];
  await inParallel(CALLS, IN_FLIGHT, async () => {
    const handle = await stack.temporal.client.workflow.start(bareWorkflow, {
      workflowId: `bare-${randomUUID()}`,
      taskQueue,
      args: [delayMs],
    });
    handles.push(handle.result());
  });
  await Promise.all(handles);
  return { rate: CALLS / seconds(started), cpu: cpuSince(cpu) };
}

/**
 * Calls/s end to end: CALLS signed webhooks on LEADS leads, spread over `organizations`, until every call is
 * analysed (and folded).
 */
async function runPipeline(stack: BenchStack, delayMs: number, organizations: number) {
  setPromptLatency(stack, delayMs);
  const tenants: Tenant[] = [];
  for (let i = 0; i < organizations; i++) tenants.push(await createTenant(stack));
  const organizationIds = tenants.map((tenant) => tenant.organizationId);
  const cpu = cpuNow();
  const started = performance.now();
  await inParallel(CALLS, IN_FLIGHT, async (i) => {
    const tenant = tenants[(i % LEADS) % organizations]!;
    const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, {
      callId: `pipe-${i}`,
      userId: tenant.rep.user.id,
      lead: { externalId: `lead-${i % LEADS}`, name: `Lead ${i % LEADS}` },
      transcript: transcript(i),
    });
    if (res.statusCode !== 202) throw new Error(`webhook answered ${res.statusCode}: ${res.body}`);
  });
  const accepted = seconds(started);
  let state = await progress(stack, organizationIds);
  while (state.finished < CALLS) {
    await sleep(50);
    state = await progress(stack, organizationIds);
  }
  const analysed = seconds(started);
  while (state.folded < CALLS - state.failed) {
    await sleep(100);
    state = await progress(stack, organizationIds);
  }
  return {
    rate: CALLS / analysed,
    accepted,
    analysed,
    folded: seconds(started),
    failed: state.failed,
    cpu: cpuSince(cpu),
  };
}

/** Input bytes of each fold of one lead, one call at a time (a short debounce so each call is its own fold). */
async function measureInputGrowth(stack: BenchStack) {
  setPromptLatency(stack, 0);
  const tenant = await createTenant(stack);
  const deliverAndFold = async (i: number) => {
    const res = await deliverCall(stack.app, tenant.organizationId, tenant.secret, {
      callId: `grow-${i}`,
      userId: tenant.rep.user.id,
      lead: { externalId: 'growing', name: 'Ada Growth' },
      transcript: transcript(i),
    });
    const { id } = res.json() as { id: string };
    for (;;) {
      const call = await tenant.em().findOne(Call, { id });
      if (call?.foldedAt || call?.status === 'failed') return call;
      await sleep(20);
    }
  };
  const first = await deliverAndFold(1);
  // Restart the (idle) lead workflow with a 50 ms debounce: fifty folds in seconds instead of minutes.
  const workflowId = leadWorkflowId(tenant.organizationId, first.lead);
  await stack.temporal.client.workflow.getHandle(workflowId).terminate('bench: restart with a short debounce');
  await startLeadWorkflow(stack.temporal.client, stack.config, {
    organizationId: tenant.organizationId,
    leadId: first.lead,
    userId: tenant.rep.user.id,
    debounce: { quietMs: 50, maxWaitMs: 1000 },
  });
  for (let i = 2; i <= GROWTH_CALLS; i++) await deliverAndFold(i);

  const folds = stack.fake.requests
    .filter(
      (r) => r.promptKey === SYSTEM_COMPLETE_PROMPT && typeof r.input === 'string' && r.input.includes(first.lead),
    )
    .map((r) => r.input as string);
  // What the input would be without folding: every individual analysis so far, every time.
  const allAnalyses: unknown[] = [];
  const naive = folds.map((input) => {
    const document = JSON.parse(input) as { newAnalyses: unknown[] };
    allAnalyses.push(...document.newAnalyses);
    return Buffer.byteLength(JSON.stringify({ ...document, previousAnalysis: null, newAnalyses: allAnalyses }));
  });
  return { folds: folds.map((input) => Buffer.byteLength(input)), naive };
}

const stack = await startBenchStack({ worker: true });
const bareConnection = await NativeConnection.connect({ address: stack.temporalAddress });
let bareWorker: Worker | undefined;
let bareRun: Promise<void> | undefined;
try {
  const bareQueue = `bench-bare-${randomUUID()}`;
  bareWorker = await Worker.create({
    connection: bareConnection,
    taskQueue: bareQueue,
    workflowsPath: fileURLToPath(new URL('./bare-workflow.ts', import.meta.url)),
    activities: bareActivities,
    maxConcurrentActivityTaskExecutions: 50, // the pipeline worker's setting
  });
  bareRun = bareWorker.run();

  const loadBefore = machineLine();
  const rows: Record<string, Record<string, string | number>> = {};
  const cpuRows: Record<string, Record<string, string>> = {};
  for (const { delayMs, organizations, interleaved } of RUNS) {
    const label = delayMs ? `${delayMs / 1000} s model` : 'instant model';
    const runs: Awaited<ReturnType<typeof runPipeline>>[] = [];
    const bares: Awaited<ReturnType<typeof runBare>>[] = [];
    const result = await interleave({
      rounds: interleaved ? ROUNDS : 1,
      baseline: async () => {
        const bare = await runBare(stack, bareQueue, delayMs);
        bares.push(bare);
        return { rate: bare.rate };
      },
      subjects: {
        pipeline: async () => {
          const run = await runPipeline(stack, delayMs, organizations);
          runs.push(run);
          return { rate: run.rate };
        },
      },
    });
    const org = organizations === 1 ? 'one organization' : `${organizations} organizations`;
    rows[`bare workflow, ${label} (${org} run)`] = {
      'per second': fixed(median(result.baseline.map((s) => s.rate))),
      'vs bare (median, range)': '1.00',
    };
    cpuRows[`bare workflow, ${label}, ${org}`] = cpuPerCall(bares.map((b) => b.cpu));
    cpuRows[`pipeline, ${label}, ${org}`] = cpuPerCall(runs.map((r) => r.cpu));
    rows[`pipeline, ${label}, ${org}`] = {
      'per second': fixed(median(runs.map((r) => r.rate))),
      'vs bare (median, range)': formatRatio(result.ratios.pipeline),
      'all accepted (s)': fixed(median(runs.map((r) => r.accepted))),
      'all analysed (s)': fixed(median(runs.map((r) => r.analysed))),
      'all folded (s)': fixed(median(runs.map((r) => r.folded))),
      failed: runs.reduce((sum, r) => sum + r.failed, 0),
    };
  }
  const growth = await measureInputGrowth(stack);

  console.log(
    `\nbench:pipeline — ${CALLS} calls on ${LEADS} leads, ${IN_FLIGHT} deliveries in flight, one worker (50 concurrent activities, ${stack.config.openai.maxConcurrentPerOrganization} OpenAI requests per organization), Temporal at ${stack.temporalAddress}`,
  );
  console.log(`before: ${loadBefore}`);
  console.log(`after:  ${machineLine()}`);
  console.log('(per second and seconds: medians of the rounds; ratios against the bare run of the same round)');
  console.table(rows);
  console.log('CPU time per call (ms, medians of the rounds) by process: where each side spends the two cores');
  console.table(cpuRows);
  const [second, fiftieth] = [growth.folds[1]!, growth.folds[GROWTH_CALLS - 1]!];
  console.log(`complete-analysis input of one lead (${growth.folds.length} folds, one per call):`);
  console.log(
    `  call #2: ${second} bytes; call #50: ${fiftieth} bytes → ${fixed(fiftieth / second, 2)}× (without folding, call #50 would send ${growth.naive[GROWTH_CALLS - 1]} bytes: ${fixed(growth.naive[GROWTH_CALLS - 1]! / second, 1)}×)`,
  );
} finally {
  bareWorker?.shutdown();
  await bareRun?.catch(() => undefined);
  await bareConnection.close();
  await stack.close();
}
