// The web console in a real browser against the real stack (API + PostgreSQL + Temporal + worker + the
// OpenAI stand-in): sign-in, the prompt settings, admin pages, and a delivered call reaching `analyzed`.
import t from 'tap';
import { insertLeads, outcomeLeads } from '../scoring/seed.js';
import type { Page } from 'playwright-core';
import { startStack, waitFor, SYSTEM_INDIVIDUAL_PROMPT } from '../support/harness.js';
import { addUser, bearer, deliverCall, signup, webhookSecretOf } from '../support/api.js';
import { callPayload } from '../support/calls.js';
import { launchBrowser, overflowingElements, screenshot } from '../support/browser.js';

const PASSWORD = 'correct-horse-battery';
const KNOWN = 'pmpt_known_individual';
const REP_SAVED = 'pmpt_rep_saved';
const ADMIN_SET = 'pmpt_admin_set';

t.test('web console', async (t) => {
  const stack = await startStack(t);
  stack.fake.definePrompt(KNOWN, { model: 'gpt-known-model' });
  stack.fake.definePrompt(REP_SAVED, { model: 'gpt-rep' });
  stack.fake.definePrompt(ADMIN_SET, { model: 'gpt-admin-set' });
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const address = stack.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const admin = await signup(stack.app);
  const rep = await addUser(stack.app, admin);
  const saved = await stack.app.inject({
    method: 'PUT',
    url: '/api/openai-prompts/my-prompts',
    headers: bearer(rep.token),
    payload: { openai_individual_prompt_id: REP_SAVED },
  });
  t.equal(saved.statusCode, 200, saved.body);

  const browser = await launchBrowser(t);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const signIn = async (p: Page, email: string, password: string) => {
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: 'Sign in' }).click();
  };
  const navTo = (p: Page, name: string) =>
    p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  /** Runs `check` with a phone-sized viewport (then saves `<name>-phone.png`) and restores the desktop size. */
  const onPhone = async (p: Page, name: string, check: () => Promise<void>) => {
    await p.setViewportSize({ width: 390, height: 844 });
    await p.getByRole('button', { name: 'Sign out' }).waitFor();
    await check();
    await screenshot(p, `${name}-phone`);
    await p.setViewportSize({ width: 1280, height: 800 });
  };
  const valueIs = (p: Page, label: string, value: string) =>
    waitFor(async () => (await p.getByLabel(label, { exact: true }).inputValue()) === value, {
      what: `${label} = ${value}`,
    });

  await t.test('sign-in: a wrong password shows the error, the right one opens Calls', async (t) => {
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');
    await signIn(page, admin.user.email, 'wrong-password-123');
    await page.getByRole('alert').filter({ hasText: 'Invalid email or password' }).waitFor();
    t.pass('the API message is shown');
    await signIn(page, admin.user.email, PASSWORD);
    await page.getByRole('heading', { name: 'Calls', level: 1, exact: true }).waitFor();
    t.match(page.url(), /\/calls$/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Calls', 'Leads', 'Scoring', 'Settings', 'Users', 'Integrations', 'Audit']) {
      t.equal(await nav.getByRole('link', { name, exact: true }).count(), 1, `nav link ${name}`);
    }
    await page.getByText(/No calls yet — connect Retell or Vapi under Integrations/).waitFor();
    await screenshot(page, 'calls-empty');
  });

  await t.test('settings: format check, live validation, save, reset, badges, toast', async (t) => {
    await navTo(page, 'Settings');
    const card = page.getByRole('region', { name: 'OpenAI Prompts Configuration' });
    await card.waitFor();
    const individual = card.locator('[data-field="openai_individual_prompt_id"]');
    const input = page.getByLabel('Individual call analysis prompt ID', { exact: true });
    await input.waitFor();
    t.equal(await input.getAttribute('placeholder'), SYSTEM_INDIVIDUAL_PROMPT, 'the system default is the placeholder');
    t.equal(
      await page.getByLabel('Complete lead analysis prompt ID', { exact: true }).getAttribute('placeholder'),
      'pmpt_system_complete',
    );
    await individual.getByText('System default', { exact: true }).waitFor();
    t.equal(
      await card.getByRole('link', { name: /OpenAI Platform/ }).getAttribute('href'),
      'https://platform.openai.com/prompts',
    );
    const save = card.getByRole('button', { name: 'Save Configuration' });
    t.ok(await save.isDisabled(), 'nothing changed: Save is disabled');

    const before = stack.fake.count();
    await input.fill('my-prompt');
    await individual.getByRole('button', { name: 'Validate' }).click();
    await individual.getByText('A prompt ID starts with pmpt_').waitFor();
    t.ok(await save.isDisabled(), 'an invalid id cannot be saved');
    t.equal(stack.fake.count(), before, 'no request reached OpenAI for a malformed id');

    await input.fill('pmpt_does_not_exist');
    await individual.getByRole('button', { name: 'Validate' }).click();
    await individual.getByText(/not found/).waitFor();
    t.ok(stack.fake.count() > before, 'a well-formed id is checked live');

    await input.fill(KNOWN);
    await individual.getByRole('button', { name: 'Validate' }).click();
    await individual.getByText('Valid — model gpt-known-model').waitFor();
    await screenshot(page, 'settings-validated');

    await save.click();
    await page.getByRole('status').getByText('Prompt configuration saved', { exact: true }).waitFor();
    const mine = await stack.app.inject({
      method: 'GET',
      url: '/api/openai-prompts/my-prompts',
      headers: bearer(admin.token),
    });
    t.equal(mine.json().openai_individual_prompt_id, KNOWN, 'GET my-prompts returns the saved id');
    await individual.getByText('Custom', { exact: true }).waitFor();
    t.equal(await card.locator('[data-field="openai_complete_prompt_id"]').getByText('System default').count(), 1);

    await input.fill('pmpt_something_else');
    await card.getByRole('button', { name: 'Reset' }).click();
    await valueIs(page, 'Individual call analysis prompt ID', KNOWN);
    t.pass('Reset shows the saved values again');

    const complete = card.locator('[data-field="openai_complete_prompt_id"]');
    const counted = stack.fake.count();
    await page.getByLabel('Complete lead analysis prompt ID', { exact: true }).fill('oops');
    await complete.getByText('A prompt ID starts with pmpt_').waitFor();
    t.equal(stack.fake.count(), counted, 'typing a malformed id is flagged locally, without a request');
    await card.getByRole('button', { name: 'Reset' }).click();
    await valueIs(page, 'Complete lead analysis prompt ID', '');

    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('cell', { name: KNOWN }).waitFor();
    t.equal(await history.getByRole('button', { name: 'Revert' }).count(), 1);

    await page.getByLabel('Transcript').fill('agent: hello\nlead: yes I am interested');
    await page.getByRole('button', { name: 'Run preview' }).click();
    await page
      .getByLabel('Preview result')
      .getByText(/gpt-known-model/)
      .waitFor();

    const prefs = page.getByRole('region', { name: 'AI Preferences' });
    await prefs.getByLabel('Chatbot tone').fill('friendly');
    await prefs.getByRole('button', { name: 'Save Preferences' }).click();
    await page.getByRole('status').getByText('Preferences saved').waitFor();
    const stored = await stack.app.inject({ method: 'GET', url: '/api/ai/preferences', headers: bearer(admin.token) });
    t.equal(stored.json().chatbotTone, 'friendly');
    await screenshot(page, 'settings');

    await onPhone(page, 'settings', async () => {
      t.same(await overflowingElements(page), [], 'settings: nothing sticks out at 390 px');
    });
  });

  await t.test("admin integrations: a user's prompts load, change and save for them", async (t) => {
    await navTo(page, 'Integrations');
    const select = page.getByLabel('User', { exact: true });
    await select.waitFor();
    await select.selectOption({ label: rep.user.email });
    await valueIs(page, 'Individual call analysis prompt ID', REP_SAVED);
    t.pass("the user's saved id appears");

    await page.getByLabel('Individual call analysis prompt ID', { exact: true }).fill(ADMIN_SET);
    await page.getByRole('button', { name: 'Save Configuration' }).click();
    await page.getByRole('status').getByText(`Prompt configuration saved for ${rep.user.email}`).waitFor();
    const theirs = await stack.app.inject({
      method: 'GET',
      url: `/api/openai-prompts/admin/users/${rep.user.id}/prompts`,
      headers: bearer(admin.token),
    });
    t.equal(theirs.json().openai_individual_prompt_id, ADMIN_SET, 'saved for that user');
    const history = await stack.app.inject({
      method: 'GET',
      url: '/api/openai-prompts/my-prompts/history',
      headers: bearer(rep.token),
    });
    t.equal(history.json()[0].newValue, ADMIN_SET);
    t.equal(history.json()[0].changedBy.email, admin.user.email, 'the history names the admin');

    for (const name of ['Retell', 'Vapi', 'Webhook secret'])
      await page.getByRole('heading', { name, exact: true }).waitFor();
    await page.getByRole('button', { name: 'Rotate secret' }).waitFor();
    await screenshot(page, 'admin-integrations');
    await onPhone(page, 'admin-integrations', async () => {
      t.same(await overflowingElements(page), [], 'integrations: nothing sticks out at 390 px');
    });

    // Rotating keeps the previous secret valid for a grace period, so one click does it.
    const before = await webhookSecretOf(stack.app, admin);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('status').getByText('Webhook secret rotated').waitFor();
    await page.getByText(/The previous secret keeps working until/).waitFor();
    const after = await webhookSecretOf(stack.app, admin);
    t.not(after, before, 'one click rotated the secret');
    t.equal(
      await page.getByRole('textbox', { name: 'Webhook secret', exact: true }).inputValue(),
      after,
      'the page holds the new secret',
    );
  });

  await t.test('admin users: list and add', async (t) => {
    await navTo(page, 'Users');
    await page.getByRole('cell', { name: rep.user.email }).first().waitFor();
    const email = `new-${Date.now()}@example.com`;
    await page.getByLabel('New user email').fill(email);
    await page.getByLabel('Initial password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('cell', { name: email, exact: true }).first().waitFor();
    const users = await stack.app.inject({ method: 'GET', url: '/api/admin/users', headers: bearer(admin.token) });
    t.ok(
      users.json().some((u: { email: string }) => u.email === email),
      'the user exists',
    );
    await screenshot(page, 'admin-users');
    await navTo(page, 'Audit');
    await page.getByRole('heading', { name: 'Audit', level: 1, exact: true }).waitFor();
    await screenshot(page, 'admin-audit');
  });

  await t.test(
    'a delivered call appears, reaches analyzed without a reload, and shows its prompt source',
    async (t) => {
      await navTo(page, 'Calls');
      await page.getByRole('heading', { name: 'Calls', level: 1, exact: true }).waitFor();
      const secret = await webhookSecretOf(stack.app, admin);
      const payload = callPayload(admin.user.id);
      const delivered = await deliverCall(stack.app, admin.organization.id, secret, payload);
      t.equal(delivered.statusCode, 202, delivered.body);
      const row = page.getByRole('row').filter({ hasText: payload.callId });
      await row.waitFor({ timeout: 30_000 });
      await row.getByText('analyzed', { exact: true }).waitFor({ timeout: 60_000 });
      t.pass('the status changed to analyzed without a reload');
      await screenshot(page, 'calls');
      await row.getByRole('link', { name: payload.callId }).click();
      await page.getByText('user (your prompt)').waitFor();
      await page.getByText(KNOWN).first().waitFor();
      await page.getByRole('button', { name: 'Reanalyze' }).waitFor();
      await screenshot(page, 'call-detail');

      await page.getByRole('link', { name: 'Open lead' }).click();
      await page.getByRole('heading', { name: 'Grace Hopper', level: 1, exact: true }).waitFor();
      const analysis = page.getByRole('region', { name: 'Complete analysis' });
      await analysis.locator('dl.tree').waitFor({ timeout: 60_000 });
      t.pass('the complete analysis is rendered as a definition list');
      await page.getByLabel('Change status').selectOption('QUALIFIED');
      await page.getByRole('status').getByText('Lead marked QUALIFIED').waitFor();
      const leadId = page.url().split('/').pop();
      const lead = await stack.app.inject({ method: 'GET', url: `/api/leads/${leadId}`, headers: bearer(admin.token) });
      t.equal(lead.json().status, 'QUALIFIED', 'the status change is stored');
      await screenshot(page, 'lead-detail');
      await onPhone(page, 'lead-detail', async () => {
        t.same(await overflowingElements(page), [], 'lead: nothing sticks out at 390 px');
      });
      await navTo(page, 'Leads');
      await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
      await screenshot(page, 'leads');
      await navTo(page, 'Scoring');
      await page.getByRole('heading', { name: 'Scoring', level: 1, exact: true }).waitFor();
      await page.getByRole('button', { name: 'Retrain now' }).waitFor();
      await screenshot(page, 'scoring');

      // Enough WON and LOST leads: Retrain now makes the admin's model, and the open lead shows its band.
      await insertLeads(
        stack.orm,
        admin.organization.id,
        admin.user.id,
        outcomeLeads(20, 20, 7, (won, rand) => ({
          sentiment: won === rand() < 0.85 ? 'positive' : 'negative',
          interestLevel: won ? 5 + Math.round(rand() * 5) : Math.round(rand() * 6),
        })),
      );
      await page.getByRole('button', { name: 'Retrain now' }).click();
      await waitFor(
        async () => {
          const status = await stack.app.inject({
            method: 'GET',
            url: '/api/ai/scoring/status',
            headers: bearer(admin.token),
          });
          return status.json().state === 'trained';
        },
        { timeoutMs: 90_000, what: "the admin's model to be trained" },
      );
      await page.reload();
      await page.getByRole('cell', { name: /^v1 active/ }).waitFor();
      await screenshot(page, 'scoring-trained');
      const score = await stack.app.inject({
        method: 'GET',
        url: `/api/leads/${leadId}/score`,
        headers: bearer(admin.token),
      });
      t.equal(score.statusCode, 200, score.body);
      await page.goto(`${base}/leads/${leadId}`);
      await page.getByLabel(`Band ${score.json().band}`, { exact: true }).waitFor();
      t.pass(`the lead page shows band ${score.json().band}, as the API scores it`);
      await page.getByRole('img', { name: 'Top contributions to the score' }).waitFor();
      await screenshot(page, 'lead-detail-scored');
    },
  );

  await t.test('a non-admin sees Admins only; an expired session returns to sign-in', async (t) => {
    const repContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    t.teardown(() => repContext.close());
    const repPage = await repContext.newPage();
    repPage.setDefaultTimeout(30_000);
    // Signing in from a deep link lands on that page.
    await repPage.goto(`${base}/admin/integrations`);
    await signIn(repPage, rep.user.email, PASSWORD);
    await repPage.getByRole('heading', { name: 'Admins only', exact: true }).waitFor();
    t.pass('a non-admin sees Admins only');
    await repPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calls', exact: true }).waitFor();
    t.equal(await repPage.getByRole('link', { name: 'Integrations' }).count(), 0, 'no admin links for a user');
    await screenshot(repPage, 'admins-only');

    await repPage.evaluate("sessionStorage.setItem('callsense.token', 'not-a-valid-token')");
    await repPage.goto(`${base}/calls`);
    await repPage.getByText('Your session has expired. Please sign in again.').waitFor();
    t.match(repPage.url(), /\/sign-in$/);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    t.equal(await page.evaluate("sessionStorage.getItem('callsense.token')"), null, 'sign-out clears the token');
  });

  t.same(pageErrors, [], 'no uncaught errors in the page');
});
