// What a model version was built from, as one hash: the labelled leads and every feature value. Retraining on
// the same fingerprint as the active version cannot learn anything new, so no version is stored.
import { createHash } from 'node:crypto';
import { FEATURE_NAMES, featureRow, type Features } from './features.js';

export function trainingFingerprint(examples: readonly { id: string; label: 0 | 1; features: Features }[]): string {
  const hash = createHash('sha256').update(FEATURE_NAMES.join(',')).update('\n');
  for (const e of [...examples].sort((a, b) => a.id.localeCompare(b.id))) {
    hash.update(`${e.id}:${e.label}:${featureRow(e.features).join(',')}\n`);
  }
  return hash.digest('hex');
}
