// The console's `Event endpoints` section in a real browser against the real stack: add an endpoint, the secret
// shown once with a copy button, a test event reaching a local receiver (signed with that secret), a failed
// delivery sent again with Retry, and Rotate secret.
import t from 'tap';
import { Webhook } from 'standardwebhooks';
import { startStack, waitFor } from '../support/harness.js';
import { signup } from '../support/api.js';
import { launchBrowser, screenshot } from '../support/browser.js';
import { startReceiver } from '../events/receiver.js';

t.test('event endpoints in the console', async (t) => {
  const stack = await startStack(t, { env: { EVENTS_ALLOW_PRIVATE_URLS: 'true', EVENTS_RETRY_DELAYS_MS: '200' } });
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const address = stack.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  const admin = await signup(stack.app);

  const browser = await launchBrowser(t);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(admin.user.email);
  await page.getByLabel('Password').fill('correct-horse-battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations', exact: true }).click();
  const section = page.getByRole('region', { name: 'Event endpoints' });
  await section.waitFor();

  // A URL the rules refuse is explained next to the field.
  await section.getByLabel('URL', { exact: true }).fill('ftp://example.com/hooks');
  await section.getByRole('button', { name: 'Add endpoint' }).click();
  await section.getByText('must start with https://').waitFor();
  t.pass('the URL error is shown');

  await section.getByLabel('URL', { exact: true }).fill(receiver.url);
  await section.getByRole('checkbox', { name: /ping/ }).check();
  await section.getByRole('button', { name: 'Add endpoint' }).click();
  const secretField = section.getByRole('textbox', { name: 'Signing secret' });
  await secretField.waitFor();
  const secret = await secretField.inputValue();
  t.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/, 'the secret is shown once');
  await section.getByRole('button', { name: 'Copy' }).click();
  await page.getByRole('status').filter({ hasText: 'Secret copied' }).waitFor();
  t.equal(await page.evaluate('navigator.clipboard.readText()'), secret, 'copied to the clipboard');
  await screenshot(page, 'event-endpoints-secret');
  await section.getByRole('button', { name: 'Done' }).click();
  await secretField.waitFor({ state: 'detached' });
  t.pass('and gone once dismissed');
  await section.getByRole('heading', { name: receiver.url }).waitFor();

  await section.getByRole('button', { name: 'Send test event' }).click();
  await waitFor(() => receiver.ofType('ping').length === 1, { what: 'the test event' });
  const ping = receiver.ofType('ping')[0]!;
  t.doesNotThrow(
    () => new Webhook(secret).verify(ping.raw, ping.headers as Record<string, string>),
    'signed with the secret the console showed',
  );
  await section.getByRole('cell', { name: 'delivered' }).waitFor();
  t.pass('the delivery shows as delivered');

  // A receiver that fails: the delivery ends failed (two attempts here), Retry sends it again with its id.
  receiver.answer = () => 500;
  await section.getByRole('button', { name: 'Send test event' }).click();
  const retry = section.getByRole('button', { name: 'Retry' });
  await retry.waitFor();
  await section.getByRole('cell', { name: 'HTTP 500' }).first().waitFor();
  t.pass('status, attempts and the last error are shown');
  await screenshot(page, 'event-endpoints-failed');
  const failedId = receiver.received.at(-1)!.headers['webhook-id'];
  receiver.answer = () => 200;
  await retry.click();
  await page.getByRole('status').filter({ hasText: 'Delivery sent again' }).waitFor();
  await waitFor(() => receiver.byId(String(failedId)).length === 3, { what: 'the retried delivery' });
  await retry.waitFor({ state: 'detached' });
  t.pass('Retry sent it again with the same webhook-id');

  await section.getByRole('button', { name: 'Rotate secret' }).click();
  await secretField.waitFor();
  const rotated = await secretField.inputValue();
  t.match(rotated, /^whsec_/);
  t.not(rotated, secret, 'a new secret');
  t.same(pageErrors, [], 'no page errors');
});
