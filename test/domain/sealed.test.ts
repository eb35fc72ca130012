// Sealed secrets: AES-256-GCM under the application key, bound to their context; the key comes from
// CALLSENSE_ENCRYPTION_KEY or, when unset, from the JWT secret.
import t from 'tap';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { open, seal } from '../../src/domain/secrets/sealed.js';

const SEALED_ERROR = { name: 'SealedSecretError' };

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
  t.same(configured, { key: Buffer.from(hex, 'hex'), derivedFromJwtSecret: false });
  const base64 = randomBytes(32).toString('base64');
  t.same(env({ CALLSENSE_ENCRYPTION_KEY: base64 }).encryption.key, Buffer.from(base64, 'base64'));
  t.throws(() => env({ CALLSENSE_ENCRYPTION_KEY: 'too-short' }), { message: /CALLSENSE_ENCRYPTION_KEY/ });
  const short = randomBytes(16).toString('hex');
  t.throws(() => env({ CALLSENSE_ENCRYPTION_KEY: short }), { message: /CALLSENSE_ENCRYPTION_KEY/ });

  const a = env({ JWT_SECRET: 'secret-a'.repeat(4) }).encryption;
  t.equal(a.derivedFromJwtSecret, true);
  t.equal(a.key.length, 32);
  t.same(env({ JWT_SECRET: 'secret-a'.repeat(4) }).encryption.key, a.key, 'derived deterministically');
  t.notSame(env({ JWT_SECRET: 'secret-b'.repeat(4) }).encryption.key, a.key, 'from the JWT secret');

  t.equal(env({ HOST: '0.0.0.0', PORT: '8080' }).publicUrl, 'http://0.0.0.0:8080', 'defaults to HOST and PORT');
  t.equal(env({ PUBLIC_URL: 'https://api.example.com/' }).publicUrl, 'https://api.example.com');
});
