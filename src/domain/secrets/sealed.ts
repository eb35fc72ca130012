// Sealing of secrets stored at rest (provider credentials, webhook secrets): AES-256-GCM under an application key
// that lives in the environment, never in the database, so a dump alone reveals nothing. The sealed form is text:
// `v1.<iv>.<ciphertext>.<tag>` (base64url). `context` is bound as additional authenticated data: a value sealed for
// one row (say organization A's Retell key) does not open as another's, even if someone copies it across rows.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealedSecretError extends Error {
  override name = 'SealedSecretError';
}

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new SealedSecretError('The sealing key must be 32 bytes');
}

/** Encrypts `plaintext`; every call uses a fresh random IV, so equal secrets seal differently. */
export function seal(key: Buffer, plaintext: string, context: string): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const text = (bytes: Buffer) => bytes.toString('base64url');
  return `${VERSION}.${text(iv)}.${text(ciphertext)}.${text(cipher.getAuthTag())}`;
}

/** Decrypts what `seal` produced with the same key and context; anything else throws SealedSecretError. */
export function open(key: Buffer, sealed: string, context: string): string {
  checkKey(key);
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SealedSecretError('Not a sealed secret');
  const [iv, ciphertext, tag] = parts.slice(1).map((part) => Buffer.from(part, 'base64url')) as [
    Buffer,
    Buffer,
    Buffer,
  ];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealedSecretError('Not a sealed secret');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    // Wrong key (the application key changed), wrong context or altered bytes: GCM tells them apart from nothing.
    throw new SealedSecretError('The sealed secret cannot be opened with this key');
  }
}

/** The keys of a process: `key` seals; `previousKeys` (older keys) only open, until everything is resealed. */
export interface SealingKeys {
  key: Buffer;
  previousKeys: readonly Buffer[];
}

/**
 * Opens with the current key, else with each previous key. `current` false: sealed under an older key, so
 * `admin reseal` has something to do.
 */
export function openWithKeys(keys: SealingKeys, sealed: string, context: string): { value: string; current: boolean } {
  for (const [index, key] of [keys.key, ...keys.previousKeys].entries()) {
    try {
      return { value: open(key, sealed, context), current: index === 0 };
    } catch (error) {
      if (!(error instanceof SealedSecretError) || error.message === 'Not a sealed secret') throw error;
    }
  }
  throw new SealedSecretError('The sealed secret cannot be opened with this key');
}

/** Whether a stored value is in the sealed form at all (values stored before sealing are plain text). */
export const isSealed = (value: string) => value.startsWith(`${VERSION}.`);
