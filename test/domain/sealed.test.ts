// Sealed secrets: AES-256-GCM under the application key, bound to their context; the key comes from
// CALLSENSE_ENCRYPTION_KEY (a fixed development key outside production), never from the JWT secret.
import t from 'tap';
import { createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { open, openWithKeys, seal } from '../../src/domain/secrets/sealed.js';

const SEALED_ERROR = { name: 'SealedSecretError' };
const SECRET = 'j'.repeat(32);

t.test('seal and open', async (t) => {
  const key = randomBytes(32);
  const sealed = seal(key, 'key_0123456789abcdef', 'integration:org-a:retell');
  t.match(sealed, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  t.notOk(sealed.includes('0123456789abcdef'));
  t.not(seal(key, 'key_0123456789abcdef', 'integration:org-a:retell'), sealed, 'a fresh IV every time');
  t.equal(open(key, sealed, 'integration:org-a:retell'), 'key_0123456789abcdef');

  // Standard AES-256-GCM: any implementation opens it with the same key, IV, tag and context.
  const [, iv, ciphertext, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', key, iv!);
  decipher.setAAD(Buffer.from('integration:org-a:retell')).setAuthTag(tag!);
  t.equal(Buffer.concat([decipher.update(ciphertext!), decipher.final()]).toString(), 'key_0123456789abcdef');

  t.throws(() => open(key, sealed, 'integration:org-b:retell'), SEALED_ERROR, "another row's context");
  t.throws(() => open(randomBytes(32), sealed, 'integration:org-a:retell'), SEALED_ERROR, 'another key');
  const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
  t.throws(() => open(key, flipped, 'integration:org-a:retell'), SEALED_ERROR, 'altered bytes');
  t.throws(() => open(key, 'plain-text', 'integration:org-a:retell'), SEALED_ERROR, 'not sealed');
  t.throws(() => seal(randomBytes(16), 'x', 'c'), SEALED_ERROR, 'a key of the wrong size');
});

t.test('the sealing key from the environment', async (t) => {
  const hex = randomBytes(32).toString('hex');
  const env = (vars: Record<string, string>) => loadConfig(vars, { dotenv: false });
  const configured = env({ CALLSENSE_ENCRYPTION_KEY: hex }).encryption;
  t.same(configured.key, Buffer.from(hex, 'hex'), 'hex is still accepted');
  t.equal(configured.isDevelopmentKey, false);
  const base64 = randomBytes(32).toString('base64');
  t.same(env({ CALLSENSE_ENCRYPTION_KEY: base64 }).encryption.key, Buffer.from(base64, 'base64'));
  t.throws(() => env({ CALLSENSE_ENCRYPTION_KEY: 'too-short' }), { message: /CALLSENSE_ENCRYPTION_KEY/ });
  const short = randomBytes(16).toString('hex');
  t.throws(() => env({ CALLSENSE_ENCRYPTION_KEY: short }), { message: /CALLSENSE_ENCRYPTION_KEY/ });

  t.throws(
    () => env({ NODE_ENV: 'production', JWT_SECRET: 'secret-a'.repeat(4) }),
    { message: /CALLSENSE_ENCRYPTION_KEY is required when NODE_ENV=production/ },
    'production needs a key of its own',
  );
  const a = env({ JWT_SECRET: 'secret-a'.repeat(4) }).encryption;
  const b = env({ JWT_SECRET: 'secret-b'.repeat(4) }).encryption;
  t.equal(a.isDevelopmentKey, true, 'outside production: the development key, flagged so the process warns');
  t.same(a.key, b.key, 'never derived from the JWT secret');
  t.same(env({}).encryption.key, a.key);

  // What earlier versions sealed with the key they derived from the JWT secret still opens (a previous key).
  const legacy = Buffer.from(hkdfSync('sha256', 'secret-a'.repeat(4), 'callsense', 'callsense sealed secrets v1', 32));
  const old = seal(legacy, 'key_legacy', 'integration:org-a:retell');
  t.equal(openWithKeys(a, old, 'integration:org-a:retell').value, 'key_legacy');
  t.equal(openWithKeys(a, old, 'integration:org-a:retell').current, false, 'marked for resealing');
  t.throws(() => openWithKeys(b, old, 'integration:org-a:retell'), SEALED_ERROR, 'another JWT secret');

  // Rotation: the new key seals, the previous ones open.
  const oldKey = randomBytes(32);
  const rotated = env({
    CALLSENSE_ENCRYPTION_KEY: base64,
    CALLSENSE_PREVIOUS_ENCRYPTION_KEYS: `${randomBytes(32).toString('base64')}, ${oldKey.toString('base64')}`,
  }).encryption;
  const sealedBefore = seal(oldKey, 'whsec_x', 'c');
  t.same(openWithKeys(rotated, sealedBefore, 'c'), { value: 'whsec_x', current: false });
  t.same(openWithKeys(rotated, seal(rotated.key, 'whsec_y', 'c'), 'c'), { value: 'whsec_y', current: true });
  t.throws(() => env({ CALLSENSE_PREVIOUS_ENCRYPTION_KEYS: 'nope' }), {
    message: /CALLSENSE_PREVIOUS_ENCRYPTION_KEYS/,
  });
  const production = env({ NODE_ENV: 'production', JWT_SECRET: 'secret-a'.repeat(4), CALLSENSE_ENCRYPTION_KEY: hex });
  t.notOk(
    production.encryption.previousKeys.some((key) => key.equals(a.key)),
    'production opens nothing sealed with the public development key',
  );

  t.equal(env({ HOST: '0.0.0.0', PORT: '8080', JWT_SECRET: SECRET }).publicUrl, 'http://0.0.0.0:8080', 'HOST, PORT');
  t.equal(env({ PUBLIC_URL: 'https://api.example.com/' }).publicUrl, 'https://api.example.com');
});
