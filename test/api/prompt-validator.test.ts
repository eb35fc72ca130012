// PromptValidator on its own: how long answers are cached, and which answers are not (no servers needed).
import t from 'tap';
import type { OpenAIGateway, PromptRun } from '../../src/openai/gateway.js';
import { OpenAIUnavailableError, PromptNotFoundError } from '../../src/openai/errors.js';
import { PromptValidator } from '../../src/domain/prompts/prompt-validator.js';

/** A gateway answering from a script per prompt id, counting calls. */
function stubGateway(answer: (run: PromptRun) => Error | { model: string }) {
  const calls: string[] = [];
  const gateway: OpenAIGateway = {
    async runPrompt(run) {
      calls.push(run.promptId);
      const result = answer(run);
      if (result instanceof Error) throw result;
      return {
        outputText: '',
        model: result.model,
        promptVersion: '1',
        temperature: 0.5,
        usage: null,
        responseId: 'resp_1',
      };
    },
  };
  return { gateway, calls };
}

t.test('definite answers expire after their TTL', async (t) => {
  let now = 0;
  const { gateway, calls } = stubGateway((run) =>
    run.promptId === 'pmpt_gone' ? new PromptNotFoundError("Prompt with id 'pmpt_gone' not found.") : { model: 'm' },
  );
  const validator = new PromptValidator(gateway, { validTtlMs: 300_000, notFoundTtlMs: 60_000, now: () => now });

  t.same(await validator.validate('pmpt_ok'), { valid: true, details: { model: 'm', temperature: 0.5 } });
  t.same(await validator.validate('pmpt_gone'), { valid: false, error: "Prompt with id 'pmpt_gone' not found." });
  now = 59_999;
  await validator.validate('pmpt_ok');
  await validator.validate('pmpt_gone');
  t.same(calls, ['pmpt_ok', 'pmpt_gone'], 'both answered from the cache');
  now = 60_000;
  await validator.validate('pmpt_gone');
  await validator.validate('pmpt_ok');
  t.same(
    calls,
    ['pmpt_ok', 'pmpt_gone', 'pmpt_gone'],
    'not-found expires first, so a newly published prompt is seen soon',
  );
  now = 300_000;
  await validator.validate('pmpt_ok');
  t.equal(calls.filter((id) => id === 'pmpt_ok').length, 2, 'a valid answer expires after its TTL');
});

t.test('failures to reach OpenAI are never cached; the cache is bounded', async (t) => {
  let down = true;
  const { gateway, calls } = stubGateway(() =>
    down ? new OpenAIUnavailableError('Could not reach OpenAI: Connection error.') : { model: 'm' },
  );
  const validator = new PromptValidator(gateway, { maxEntries: 2 });

  t.same(await validator.validate('pmpt_a'), {
    valid: false,
    error: 'Could not verify with OpenAI: OpenAI could not be reached or failed to answer; try again shortly',
  });
  down = false;
  t.equal((await validator.validate('pmpt_a')).valid, true);
  t.equal(calls.length, 2, 'the second check asked again');

  await validator.validate('pmpt_b');
  await validator.validate('pmpt_c'); // evicts pmpt_a, the oldest
  await validator.validate('pmpt_c');
  await validator.validate('pmpt_a');
  t.same(calls, ['pmpt_a', 'pmpt_a', 'pmpt_b', 'pmpt_c', 'pmpt_a']);

  t.match(await validator.validate('nope'), { valid: false, error: /Not an OpenAI prompt id/ });
  t.equal(calls.length, 5, 'a malformed id never reaches the gateway');
});

t.test('concurrent checks of one id share one call', async (t) => {
  const { gateway, calls } = stubGateway(() => ({ model: 'm' }));
  const validator = new PromptValidator(gateway);
  const [a, b] = await Promise.all([validator.validate('pmpt_same'), validator.validate('pmpt_same')]);
  t.same(a, b);
  t.same(calls, ['pmpt_same']);
});
