// The web console in a real browser against the real stack (API + PostgreSQL + Temporal + worker + the
// OpenAI stand-in): sign-in, the prompt settings (pickers, validation, the retired-prompt import), the prompt
// library and a prompt's page, admin pages, and a delivered call reaching `analyzed`.
import t from 'tap';
import { insertLeads, outcomeLeads } from '../scoring/seed.js';
import type { Locator, Page } from 'playwright-core';
import { startStack, waitFor } from '../support/harness.js';
import { addUser, bearer, deliverCall, webhookSecretOf } from '../support/api.js';
import { callPayload, setUserPrompts } from '../support/calls.js';
import { ANALYSIS_SCHEMA, createTestPrompt } from '../support/prompts.js';
import { createTenant } from '../support/tenant.js';
import { launchBrowser, overflowingElements, screenshot } from '../support/browser.js';

const PASSWORD = 'correct-horse-battery';
const INDIVIDUAL = 'Individual call analysis prompt ID';
const COMPLETE = 'Complete lead analysis prompt ID';
/** A retired OpenAI stored prompt, as an upgraded deployment still holds in a user's setting. */
const LEGACY = 'pmpt_legacy_discovery';

t.test('web console', async (t) => {
  const stack = await startStack(t);
  stack.fake.defineModel('gpt-known-model');
  stack.fake.defineModel('gpt-rep');
  stack.fake.defineModel('gpt-admin-set');
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const address = stack.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const tenant = await createTenant(stack);
  const { admin, rep } = tenant;
  const KNOWN_NAME = 'Discovery call analysis';
  const KNOWN = await createTestPrompt(tenant, { name: KNOWN_NAME, model: 'gpt-known-model' });
  const REP_SAVED = await createTestPrompt(tenant, { name: 'Rep prompt', model: 'gpt-rep', createdBy: rep });
  const ADMIN_SET = await createTestPrompt(tenant, { name: 'Admin chosen prompt', model: 'gpt-admin-set' });
  const saved = await stack.app.inject({
    method: 'PUT',
    url: '/api/openai-prompts/my-prompts',
    headers: bearer(rep.token),
    payload: { openai_individual_prompt_id: REP_SAVED },
  });
  t.equal(saved.statusCode, 200, saved.body);
  // A user whose setting was saved before prompts moved into CallSense: written directly, as the upgrade left it.
  const legacyUser = await addUser(stack.app, admin);
  await setUserPrompts(tenant, legacyUser.user.id, { individual: LEGACY });
  const builtIns = await stack.app.inject({
    method: 'GET',
    url: '/api/prompts?kind=individual',
    headers: bearer(admin.token),
  });
  const builtIn = builtIns.json().find((p: { builtIn: boolean }) => p.builtIn);
  const SYSTEM_PLACEHOLDER = `System default: ${builtIn.name} v${builtIn.productionVersion}`;

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
  const picker = (scope: Page | Locator, label: string) => scope.getByRole('combobox', { name: label, exact: true });
  const valueIs = (scope: Page | Locator, label: string, value: string) =>
    waitFor(async () => (await picker(scope, label).inputValue()) === value, { what: `${label} = ${value}` });
  /** Opens a prompt picker's list and picks the option whose text matches `name`. */
  const pick = async (scope: Page | Locator, label: string, kind: string, name: RegExp) => {
    const input = picker(scope, label);
    await input.fill('');
    // Clearing a value opens the list already; the toggle would close it again.
    if ((await input.getAttribute('aria-expanded')) !== 'true')
      await scope.getByRole('button', { name: `Show ${kind} prompts` }).click();
    await scope.getByRole('option', { name }).click();
  };

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
    for (const name of ['Calls', 'Leads', 'Scoring', 'Settings', 'Users', 'Integrations', 'Audit', 'Prompts']) {
      t.equal(await nav.getByRole('link', { name, exact: true }).count(), 1, `nav link ${name}`);
    }
    await page.getByText(/No calls yet — connect Retell or Vapi under Integrations/).waitFor();
    await screenshot(page, 'calls-empty');
  });

  await t.test('settings: pickers, format check, live validation, save, reset, badges, toast', async (t) => {
    await navTo(page, 'Settings');
    const card = page.getByRole('region', { name: 'OpenAI Prompts Configuration' });
    await card.waitFor();
    const individual = card.locator('[data-field="openai_individual_prompt_id"]');
    const input = picker(page, INDIVIDUAL);
    await input.waitFor();
    await waitFor(async () => (await input.getAttribute('placeholder')) === SYSTEM_PLACEHOLDER, {
      what: 'the system default in the placeholder',
    });
    t.pass(`the placeholder names the default: ${SYSTEM_PLACEHOLDER}`);
    t.match(await picker(page, COMPLETE).getAttribute('placeholder'), /^System default: .+ v\d+$/);
    await individual.getByText('System default', { exact: true }).waitFor();
    t.equal(await card.getByRole('link', { name: 'Manage prompts' }).getAttribute('href'), '/prompts');
    const save = card.getByRole('button', { name: 'Save Configuration' });
    t.ok(await save.isDisabled(), 'nothing changed: Save is disabled');

    const before = stack.fake.count();
    await input.fill('my-prompt');
    await individual.getByRole('button', { name: 'Validate' }).click();
    await individual.getByText('A reference is prm_<id>, prm_<id>@<version> or prm_<id>@<label>').waitFor();
    t.ok(await save.isDisabled(), 'an invalid reference cannot be saved');
    t.equal(stack.fake.count(), before, 'no request reached OpenAI for a malformed reference');

    await input.fill('prm_doesnotexist1');
    await individual.getByRole('button', { name: 'Validate' }).click();
    await individual.locator('.validation .bad').waitFor();
    t.equal(stack.fake.count(), before, 'an unknown prompt is refused before any OpenAI request');

    await pick(page, INDIVIDUAL, 'individual', new RegExp(KNOWN_NAME));
    await valueIs(page, INDIVIDUAL, KNOWN);
    t.pass('picking an option fills in its reference');
    await individual.getByRole('button', { name: 'Validate' }).click();
    const result = individual.locator('.validation').locator('.ok, .bad').first();
    await result.waitFor();
    t.match(await result.textContent(), /^\s*Valid — model gpt-known-model/, 'Validate shows the model');
    t.ok(stack.fake.count() > before, 'a known prompt is checked live');
    await screenshot(page, 'settings-validated');

    await save.click();
    await page.getByRole('status').getByText('Prompt configuration saved', { exact: true }).waitFor();
    const mine = await stack.app.inject({
      method: 'GET',
      url: '/api/openai-prompts/my-prompts',
      headers: bearer(admin.token),
    });
    t.equal(mine.json().openai_individual_prompt_id, KNOWN, 'GET my-prompts returns the picked prompt');
    await individual.getByText('Custom', { exact: true }).waitFor();
    t.equal(await card.locator('[data-field="openai_complete_prompt_id"]').getByText('System default').count(), 1);

    await input.fill(`${KNOWN}@staging`);
    await card.getByRole('button', { name: 'Reset' }).click();
    await valueIs(page, INDIVIDUAL, KNOWN);
    t.pass('Reset shows the saved values again');

    const complete = card.locator('[data-field="openai_complete_prompt_id"]');
    const counted = stack.fake.count();
    await picker(page, COMPLETE).fill('oops');
    await complete.getByText('A reference is prm_<id>, prm_<id>@<version> or prm_<id>@<label>').waitFor();
    t.equal(stack.fake.count(), counted, 'typing a malformed reference is flagged locally, without a request');
    await card.getByRole('button', { name: 'Reset' }).click();
    await valueIs(page, COMPLETE, '');

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
    await prefs.getByText('{{preferences.chatbotTone}}').waitFor();
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

  await t.test('settings: a retired pmpt_ value shows the alert, and Import replaces it', async (t) => {
    const legacyContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    t.teardown(() => legacyContext.close());
    const legacyPage = await legacyContext.newPage();
    legacyPage.setDefaultTimeout(30_000);
    legacyPage.on('pageerror', (error) => pageErrors.push(error.message));
    await legacyPage.goto(`${base}/settings`);
    await signIn(legacyPage, legacyUser.user.email, PASSWORD);
    const alert = legacyPage.getByRole('alert').filter({ hasText: LEGACY });
    await alert.waitFor();
    t.match(await alert.textContent(), /OpenAI retired stored prompts on 2026-11-30/, 'the alert names the date');
    t.equal(await picker(legacyPage, INDIVIDUAL).inputValue(), '', 'the retired id is not offered as a value');
    t.equal(await picker(legacyPage, INDIVIDUAL).getAttribute('placeholder'), SYSTEM_PLACEHOLDER);
    await screenshot(legacyPage, 'settings-legacy');
    await onPhone(legacyPage, 'settings-legacy', async () => {
      t.same(await overflowingElements(legacyPage), [], 'the alert fits at 390 px');
    });

    await alert.getByRole('button', { name: 'Import' }).click();
    const form = legacyPage.getByRole('form', { name: `Import ${LEGACY}` });
    await form.getByLabel('Name', { exact: true }).fill('Imported discovery');
    await form.getByLabel('Instructions', { exact: true }).fill('Find out what the caller needs. {{transcript}}');
    await form.locator('.cm-content').getByText('"summary"').first().waitFor();
    t.pass('the built-in output schema is the default');
    await screenshot(legacyPage, 'settings-import');
    await form.getByRole('button', { name: 'Import prompt' }).click();
    await legacyPage.getByRole('status').getByText('Imported as Imported discovery; 1 setting now uses it').waitFor();
    await waitFor(async () => (await legacyPage.getByRole('alert').filter({ hasText: LEGACY }).count()) === 0, {
      what: 'the alert to go',
    });
    const theirs = await stack.app.inject({
      method: 'GET',
      url: '/api/openai-prompts/my-prompts',
      headers: bearer(legacyUser.token),
    });
    const imported = theirs.json().openai_individual_prompt_id;
    t.match(imported, /^prm_/, 'the setting now holds the imported prompt');
    t.same(theirs.json().legacy, {}, 'nothing retired is left');
    await valueIs(legacyPage, INDIVIDUAL, imported);
    await legacyPage
      .locator('[data-field="openai_individual_prompt_id"]')
      .getByText('Custom', { exact: true })
      .waitFor();
  });

  await t.test('prompts: the library, a new prompt, versions, production, Compare, Test, Duplicate', async (t) => {
    await navTo(page, 'Prompts');
    await page.getByRole('heading', { name: 'Prompts', level: 1, exact: true }).waitFor();
    const library = page.getByRole('region', { name: 'Library' });
    const knownRow = library.getByRole('row').filter({ hasText: KNOWN_NAME });
    await knownRow.getByText('gpt-known-model').waitFor();
    await knownRow.getByText('production: v1').waitFor();
    await library.getByRole('row').filter({ hasText: builtIn.name }).getByText('Built-in').waitFor();
    await screenshot(page, 'prompts');
    await onPhone(page, 'prompts', async () => {
      t.same(await overflowingElements(page), [], 'library: nothing sticks out at 390 px');
    });

    await page.getByRole('button', { name: 'New prompt' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Qualification');
    await page.getByLabel('Instructions', { exact: true }).fill('Qualify the lead for {{organization.name}}.');
    await waitFor(async () => (await page.getByLabel('Model', { exact: true }).inputValue()) !== '', {
      what: "the built-in's model as the starting point",
    });
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await page.getByRole('heading', { name: 'Qualification', level: 1 }).waitFor();
    const promptId = page.url().split('/').pop()!;
    t.match(promptId, /^prm_/, 'the new prompt opens on its own page');

    // The schema is checked as you type.
    const schema = page.getByLabel('Output schema', { exact: true });
    const saveVersion = page.getByRole('button', { name: 'Save version' });
    await schema.fill('{"type": "array"');
    await page.getByText(/^Not valid JSON/).waitFor();
    t.ok(await saveVersion.isDisabled(), 'invalid JSON cannot be saved');
    await schema.fill('{"type": "array"}');
    await page.getByText('The schema must have "type": "object"').waitFor();
    t.ok(await saveVersion.isDisabled(), 'a schema that is not an object cannot be saved');
    await schema.fill(JSON.stringify(ANALYSIS_SCHEMA, null, 2));
    await page
      .getByLabel('Instructions', { exact: true })
      .fill('Qualify the lead, briefly, for {{organization.name}}.');
    await page.getByLabel('Reasoning effort', { exact: true }).selectOption('high');
    await page.getByLabel('Change note', { exact: true }).fill('Shorter');
    await saveVersion.click();
    await page
      .getByRole('status')
      .getByText(/^Version 2 saved/)
      .waitFor();
    const versions = page.getByRole('region', { name: 'Versions' });
    const v2 = versions.getByRole('row').filter({ hasText: 'Shorter' });
    await v2.waitFor();
    await v2.getByRole('button', { name: 'Set as production' }).click();
    await page.getByRole('status').getByText('Version 2 is now production').waitFor();
    const stored = await stack.app.inject({
      method: 'GET',
      url: `/api/prompts/${promptId}`,
      headers: bearer(admin.token),
    });
    t.equal(stored.json().labels.production, 2, 'the production label moved to version 2');
    t.equal(stored.json().latestVersion, 2);

    const compare = page.getByRole('region', { name: 'Compare' });
    await compare.getByLabel('From version').selectOption('1');
    await compare.getByLabel('To version').selectOption('2');
    await compare.getByRole('button', { name: 'Compare' }).click();
    const changes = compare.getByRole('region', { name: 'Changes from v1 to v2' });
    await changes.getByText('+ Qualify the lead, briefly, for {{organization.name}}.').waitFor();
    await changes.getByText('- Qualify the lead for {{organization.name}}.').waitFor();
    await changes.getByText('+ reasoning effort: high').waitFor();
    t.pass('Compare shows the line diff of instructions and settings');

    const test = page.getByRole('region', { name: 'Test' });
    await test.getByLabel('Transcript').fill('agent: hello\nlead: we have budget and want to start this month');
    const runs = stack.fake.count(promptId);
    await test.getByRole('button', { name: 'Run test' }).click();
    await test.getByLabel('Test result').getByText('Matches the schema').waitFor();
    t.equal(stack.fake.count(promptId), runs + 1, 'one run of the prompt reached OpenAI');
    const sent = stack.fake.requests.at(-1)!;
    t.equal(sent.promptRef, `${promptId}@2`, 'the production version ran');
    await screenshot(page, 'prompt-page');
    await onPhone(page, 'prompt-page', async () => {
      t.same(await overflowingElements(page), [], 'prompt page: nothing sticks out at 390 px');
    });

    await page.getByRole('button', { name: 'Duplicate' }).click();
    await page.getByRole('heading', { name: 'Qualification (copy)', level: 1 }).waitFor();
    t.not(page.url().split('/').pop(), promptId, 'the copy is a new prompt');

    await page.goto(`${base}/prompts/${builtIn.id}`);
    await page.getByRole('heading', { name: new RegExp(builtIn.name), level: 1 }).waitFor();
    await page.getByRole('heading', { level: 1 }).getByText('Built-in', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Duplicate' }).waitFor();
    t.equal(
      await page.getByRole('button', { name: 'Set as production' }).count(),
      0,
      'a built-in has no labels to move',
    );
    t.equal(await page.getByRole('button', { name: 'Save version' }).count(), 0, 'a built-in has no editor');
    await screenshot(page, 'prompt-built-in');
  });

  await t.test("admin integrations: organization defaults, then a user's prompts for them", async (t) => {
    await navTo(page, 'Integrations');
    const defaults = page.getByRole('region', { name: 'Organization defaults' });
    await picker(defaults, INDIVIDUAL).waitFor();
    await defaults.locator('[data-field="openai_individual_prompt_id"]').getByText('System default').waitFor();
    await pick(defaults, INDIVIDUAL, 'individual', /Admin chosen prompt/);
    await valueIs(defaults, INDIVIDUAL, ADMIN_SET);
    await defaults.getByRole('button', { name: 'Save defaults' }).click();
    await page.getByRole('status').getByText('Organization defaults saved').waitFor();
    const stored = await stack.app.inject({
      method: 'GET',
      url: '/api/admin/prompt-defaults',
      headers: bearer(admin.token),
    });
    t.same(stored.json(), { individual: ADMIN_SET, complete: null }, 'the default is stored');
    await defaults
      .locator('[data-field="openai_individual_prompt_id"]')
      .getByText('Organization default', { exact: true })
      .waitFor();

    const users = page.getByRole('region', { name: 'OpenAI Prompts Configuration' });
    const select = page.getByLabel('User', { exact: true });
    await select.selectOption({ label: rep.user.email });
    await valueIs(users, INDIVIDUAL, REP_SAVED);
    t.pass("the user's saved prompt appears");
    await waitFor(
      async () =>
        (await picker(users, INDIVIDUAL).getAttribute('placeholder')) ===
        'Organization default: Admin chosen prompt v1',
      { what: 'the organization default in the placeholder' },
    );
    t.pass('the placeholder names the organization default');

    await pick(users, INDIVIDUAL, 'individual', new RegExp(KNOWN_NAME));
    await users.getByRole('button', { name: 'Save Configuration' }).click();
    await page.getByRole('status').getByText(`Prompt configuration saved for ${rep.user.email}`).waitFor();
    const theirs = await stack.app.inject({
      method: 'GET',
      url: `/api/openai-prompts/admin/users/${rep.user.id}/prompts`,
      headers: bearer(admin.token),
    });
    t.equal(theirs.json().openai_individual_prompt_id, KNOWN, 'saved for that user');
    const history = await stack.app.inject({
      method: 'GET',
      url: '/api/openai-prompts/my-prompts/history',
      headers: bearer(rep.token),
    });
    t.equal(history.json()[0].newValue, KNOWN);
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
