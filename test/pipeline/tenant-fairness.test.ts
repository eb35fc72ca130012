// One organization's burst cannot take every OpenAI slot of the worker: with a cap of two requests per
// organization, a busy tenant never has more than two in flight, and another tenant's call still runs at once.
import t from 'tap';
import { SYSTEM_INDIVIDUAL_PROMPT, startStack } from '../support/harness.js';
import { deliverCall } from '../support/api.js';
import { attemptsOf, callPayload, createTenantWithRepPrompt, waitForCall } from '../support/calls.js';
import { parseMetrics, sampleSum } from '../support/prometheus.js';

t.test('a per-organization cap on in-flight OpenAI requests', async (t) => {
  const stack = await startStack(t, { env: { OPENAI_MAX_CONCURRENT_PER_ORGANIZATION: '2' } });
  // Slow answers keep the busy tenant's requests open long enough to pile up against the cap.
  const busy = await createTenantWithRepPrompt(stack, { delayMs: 400 });
  const quiet = await createTenantWithRepPrompt(stack, {});
  const busyPrompt = busy.repPromptId;

  const burst = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      deliverCall(stack.app, busy.organizationId, busy.secret, callPayload(busy.rep.user.id, { callId: `busy-${i}` })),
    ),
  );
  t.ok(
    burst.every((r) => r.statusCode === 202),
    'the burst is accepted',
  );
  const other = await deliverCall(stack.app, quiet.organizationId, quiet.secret, callPayload(quiet.rep.user.id));
  t.equal(other.statusCode, 202);

  const quietCall = await waitForCall(quiet, other.json().id);
  t.equal(quietCall.status, 'analyzed', 'the other organization is analysed while the burst runs');
  const calls = await Promise.all(burst.map((r) => waitForCall(busy, r.json().id)));
  t.ok(
    calls.every((c) => c.status === 'analyzed' && c.promptId === busyPrompt),
    'every call of the burst analysed',
  );
  t.equal(stack.fake.count(busyPrompt), 8, 'one OpenAI request per call: waiting for a slot is no try');
  t.ok(stack.fake.maxConcurrent(busyPrompt) <= 2, `at most two at once (${stack.fake.maxConcurrent(busyPrompt)})`);
  t.equal(stack.fake.count(SYSTEM_INDIVIDUAL_PROMPT), 0, 'no fallback to the built-in prompt while waiting');

  // Waiting for a slot is a benign failure: retried, but neither logged as an error nor counted as one.
  const attempts = await Promise.all(calls.map((c) => attemptsOf(stack, c.workflowId)));
  const waited = attempts.flat().filter(([type, attempt]) => type === 'extractCallAnalysis' && attempt > 1);
  t.ok(waited.length > 0, `some extractions waited for a slot (${waited.length} tries after the first)`);
  const metrics = parseMetrics(await (await fetch(stack.worker!.metricsUrl)).text());
  t.ok(
    metrics.some((f) => f.name.startsWith('temporal_activity_execution')),
    "the worker exports the SDK's activity metrics",
  );
  t.equal(
    sampleSum(metrics, 'temporal_activity_execution_failed_total', { activity_type: 'extractCallAnalysis' }),
    0,
    'no extraction counted as failed',
  );
});
