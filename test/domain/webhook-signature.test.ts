import t from 'tap';
import { createHmac } from 'node:crypto';
import { checkWebhookSignature, signWebhook } from '../../src/domain/webhooks/signature.js';

const secret = 'whsec_test';
const body = '{"callId":"c1"}';
const now = 1_800_000_000;
const check = (overrides: Partial<Parameters<typeof checkWebhookSignature>[0]>) =>
  checkWebhookSignature({
    secret,
    rawBody: body,
    timestampHeader: String(now),
    signatureHeader: signWebhook(secret, now, body),
    toleranceSeconds: 300,
    nowSeconds: now,
    ...overrides,
  });

t.test('the signature is the HMAC of "<timestamp>.<raw body>"', async (t) => {
  const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
  t.equal(signWebhook(secret, now, body), `sha256=${expected}`);
  t.equal(check({}), null);
});

t.test('every way of getting it wrong is named', async (t) => {
  t.equal(check({ signatureHeader: undefined }), 'missing');
  t.equal(check({ timestampHeader: undefined }), 'missing');
  t.equal(check({ signatureHeader: 'md5=abc' }), 'malformed');
  t.equal(check({ timestampHeader: 'yesterday' }), 'malformed');
  t.equal(check({ nowSeconds: now + 301 }), 'stale');
  t.equal(check({ nowSeconds: now - 301 }), 'stale', 'from the future too');
  t.equal(check({ rawBody: '{"callId":"c2"}' }), 'mismatch', 'a changed body');
  t.equal(check({ secret: 'whsec_other' }), 'mismatch', "another organization's secret");
  t.equal(
    check({ signatureHeader: signWebhook(secret, now, body).toUpperCase().replace('SHA256=', 'sha256=') }),
    null,
    'hex case does not matter',
  );
});
