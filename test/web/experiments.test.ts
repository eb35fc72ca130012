// The Experiments section of a prompt's page in a real browser against the real stack (API + PostgreSQL +
// Temporal + worker + the OpenAI stand-in): a prompt whose version 2 reads the outcome off the transcript is run
// against version 1 from the console; the verdict, the chart, the arms and the field agreement appear; `Set as
// production` moves the label; a slow experiment shows its progress and is cancelled; built-in prompts offer none.
import t from 'tap';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { as } from '../support/api.js';
import { launchBrowser, overflowingElements } from '../support/browser.js';
import { startStack, waitFor, type Stack } from '../support/harness.js';
import { experimentPrompt, outcomeLeads, scriptExperiment } from '../support/experiments.js';
import { createTenant, type Tenant } from '../support/tenant.js';

const PASSWORD = 'correct-horse-battery';
const SCREENSHOTS = join(process.cwd(), 'test-results', 'console');
/** An experiment over 24 leads finishes in seconds on an idle machine; a loaded one needs more. */
const EXPERIMENT_TIMEOUT_MS = 180_000;

/** A prompt with two versions, `perClass` WON and `perClass` LOST leads; version 2 reads the outcome. */
async function seed(stack: Stack, tenant: Tenant, perClass: number): Promise<string> {
  const promptId = await experimentPrompt(tenant);
  await outcomeLeads(tenant, promptId, { won: perClass, lost: perClass });
  scriptExperiment(stack.fake, promptId);
  return promptId;
}

/** Text as a person reads it: the no-break spaces between numbers and units as plain spaces. */
const plain = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
const pct = (share: number) => `${Math.round(share * 100)} %`;

t.test('experiments on the prompt page', async (t) => {
  const stack = await startStack(t);
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const address = stack.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const tenant = await createTenant(stack);
  const promptId = await seed(stack, tenant, 12);
  const api = as(stack.app, tenant.admin);

  const browser = await launchBrowser(t);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const toast = (p: Page, text: string | RegExp) => p.getByRole('status').getByText(text).waitFor();
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(tenant.admin.user.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Calls', level: 1, exact: true }).waitFor();
  await page.goto(`${base}/prompts/${promptId}`);
  const section = page.getByRole('region', { name: 'Experiments' });
  await section.getByText('No experiments yet.').waitFor();

  await t.test('run from the console: the verdict in words, the chart, the arms, the agreement', async (t) => {
    t.equal(await section.getByLabel('Candidate version').inputValue(), '2', 'the candidate is the newest version');
    t.equal(await section.getByLabel('Baseline version').inputValue(), '1', 'the baseline is production');
    t.equal(await section.getByLabel('Leads').inputValue(), '200');
    await section.getByLabel('Leads').fill('24');
    await section.getByRole('button', { name: 'Run experiment' }).click();
    await toast(page, 'Experiment started: v2 against v1 on up to 24 leads');

    const item = section.getByRole('article', { name: 'Version 2 against version 1' });
    const verdict = item.locator('.verdict');
    await verdict.waitFor({ timeout: EXPERIMENT_TIMEOUT_MS });
    await toast(page, 'Experiment v2 against v1 finished: version 2 predicts outcomes better than version 1');

    const [listed] = (await api.get(`/prompts/${promptId}/experiments`)).json();
    t.equal(listed.status, 'completed', listed.error ?? '');
    const { results } = listed;
    t.equal(results.verdict, 'candidate-better');
    const points = (v: number) => `+${Math.round(v * 100)}`;
    t.equal(
      await plain(verdict),
      `Version 2 predicts which deals close better than version 1: its extractions rank won deals above lost ones ` +
        `${pct(results.candidate.auc)} of the time against ${pct(results.baseline.auc)}, and the gain is larger ` +
        `than chance (95 % interval ${points(results.aucDifference.ci95[0])} to ${points(results.aucDifference.ci95[1])} points).`,
      'the verdict as a sentence, with the numbers the API reports',
    );
    t.match(await plain(item), /Judged on 24 leads: 12 won, 12 lost\./);

    const chart = item.getByRole('img', { name: /Ranks won deals above lost ones/ });
    await chart.locator('svg.recharts-surface').first().waitFor();
    t.equal(await chart.locator('svg.recharts-surface').count(), 2, 'both charts render: AUC per arm and difference');
    t.ok((await chart.locator('.recharts-bar-rectangle').count()) >= 3, 'two AUC bars and the difference bar');
    t.equal(await chart.locator('.recharts-errorBar').count(), 1, 'the interval is drawn');

    const arms = item.getByRole('table').first();
    const row = async (name: string) => plain(arms.getByRole('row').filter({ hasText: name }));
    t.equal(
      await row('Ranks won deals above lost ones'),
      `Ranks won deals above lost ones (AUC)${pct(results.baseline.auc)}${pct(results.candidate.auc)}`,
    );
    t.equal(await row('Answers that match the schema'), 'Answers that match the schema100 %100 %');
    t.equal(await row('Failed analyses'), 'Failed analyses0 %0 %');
    t.match(await row('Cost per call'), /^Cost per call\$[\d.]+\$[\d.]+$/, 'a cost per call for both arms');

    const agreement = item.getByRole('table').nth(1);
    await agreement.getByRole('rowheader', { name: 'interestLevel' }).waitFor();
    t.equal(
      await plain(agreement.getByRole('row').filter({ hasText: 'interestLevel' })),
      `interestLevel${pct(results.agreement.interestLevel)}`,
    );

    // The notifications float over the page: dismissed, they do not hide the results in the screenshots.
    const dismiss = page.getByRole('button', { name: 'Dismiss notification' });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    await item.screenshot({ path: join(SCREENSHOTS, 'experiment-results.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await chart.locator('svg.recharts-surface').first().waitFor();
    // The charts follow their container's width a frame or two after the viewport changes.
    const overflow = await waitFor(async () => ((await overflowingElements(page)).length === 0 ? [] : null), {
      timeoutMs: 5_000,
      what: 'the layout to fit 390 px',
    }).catch(() => overflowingElements(page));
    t.same(overflow, [], 'nothing sticks out at 390 px');
    await section.screenshot({ path: join(SCREENSHOTS, 'experiment-results-phone.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await t.test('Set as production moves the label to the winning candidate', async (t) => {
    const item = section.getByRole('article', { name: 'Version 2 against version 1' });
    await item.getByRole('button', { name: 'Set as production' }).click();
    await toast(page, 'Version 2 is now production');
    await item.getByText('Version 2 is production').waitFor();
    const prompt = (await api.get(`/prompts/${promptId}`)).json();
    t.equal(prompt.labels.production, 2, 'the API reports version 2 as production');
  });

  await t.test('a running experiment shows its progress and is cancelled', async (t) => {
    // Slow answers keep the experiment running long enough to watch it and cancel it.
    stack.fake.definePrompt(`${promptId}@2`, { delayMs: 1500 });
    await section.getByLabel('Candidate version').selectOption('2');
    await section.getByLabel('Baseline version').selectOption('1');
    await section.getByRole('button', { name: 'Run experiment' }).click();
    const running = section.getByRole('article').first();
    await running.getByText('Running', { exact: true }).waitFor();
    await running.getByRole('progressbar', { name: 'Experiment progress' }).waitFor();
    await running.getByText(/analyses done/).waitFor();
    await running.getByRole('button', { name: 'Cancel' }).click();
    await running.getByText(/^Cancelled after \d+ of \d+ analyses: no results\.$/).waitFor({ timeout: 60_000 });
    await toast(page, 'Experiment v2 against v1 cancelled');
    const [latest] = (await api.get(`/prompts/${promptId}/experiments`)).json();
    t.equal(latest.status, 'cancelled');
    t.equal(await section.getByRole('article').count(), 2, 'both experiments are listed, newest first');
  });

  await t.test('built-in prompts offer no experiment', async (t) => {
    const builtIn = (await api.get('/prompts?kind=individual')).json().find((p: { builtIn: boolean }) => p.builtIn);
    await page.goto(`${base}/prompts/${builtIn.id}`);
    await section.getByText('Built-in prompts cannot be experimented on').waitFor();
    t.equal(await section.getByRole('button', { name: 'Run experiment' }).count(), 0);
  });

  t.same(pageErrors, [], 'no uncaught errors in the page');
});
