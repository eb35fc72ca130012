// The demo organization in a real browser: the header says `Demo data`, a lead shows its score explanation and
// history, the experiment its results, and `Send test call` on Integrations follows a signed sample call to
// `analyzed` (the OpenAI stand-in answers). Screenshots of each page go to test-results/console/.
import t from 'tap';
import { join } from 'node:path';
import { fillDemo } from '../../src/demo/fill.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../src/demo/generate.js';
import { launchBrowser, screenshot } from '../support/browser.js';
import { startStack } from '../support/harness.js';

t.test('the demo organization in the console', async (t) => {
  const stack = await startStack(t);
  const fill = await fillDemo(stack.orm, stack.config);
  if (fill.status !== 'created') throw new Error(`expected a new demo organization, got ${fill.status}`);
  const { organizationId, experimentId } = fill.summary;
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const address = stack.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const [lead] = await stack.orm.em
    .fork()
    .getConnection()
    .execute<{ id: string }[]>(
      `select id from leads where organization_id = ? and status = 'QUALIFIED' order by score desc, id limit 1`,
      [organizationId],
    );
  const [experiment] = await stack.orm.em
    .fork()
    .getConnection()
    .execute<{ prompt_id: string }[]>('select prompt_id from prompt_experiments where id = ?', [experimentId]);

  const browser = await launchBrowser(t);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(DEMO_ADMIN_EMAIL);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Calls', level: 1, exact: true }).waitFor();
  // The marker comes with the signed-in user's organization (GET /auth/me), which may answer after the page.
  const marker = page.getByRole('banner').getByText('Demo data', { exact: true });
  await marker.waitFor();
  t.ok(await marker.isVisible(), 'the header says Demo data');
  await screenshot(page, 'demo-calls');

  await page.goto(`${base}/leads/${lead!.id}`);
  await page.getByRole('heading', { name: /Score history/i }).waitFor();
  await screenshot(page, 'demo-lead');

  await page.goto(`${base}/prompts/${experiment!.prompt_id}`);
  const experiments = page.getByRole('region', { name: 'Experiments' });
  await experiments
    .getByText(/completed/i)
    .first()
    .waitFor();
  // Only the section: the whole prompt page is too long for the README.
  await experiments.screenshot({ path: join(process.cwd(), 'test-results', 'console', 'demo-experiment.png') });

  await page.goto(`${base}/admin/integrations`);
  const card = page.getByRole('region', { name: 'Test call' });
  await card.getByRole('button', { name: 'Send test call' }).click();
  await card.getByText('analyzed', { exact: true }).waitFor({ timeout: 60_000 });
  t.ok(await card.getByRole('link', { name: 'Test call' }).isVisible(), 'a link to the call');
  await screenshot(page, 'demo-test-call');
  t.same(pageErrors, [], 'no page errors');
});
