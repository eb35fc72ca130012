// Deterministic holdout split: a lead's side depends only on a hash of its id, so retraining next week
// keeps (almost) the same holdout and the active model is never judged on leads it was trained on.
import { createHash } from 'node:crypto';

export const HOLDOUT_SHARE = 0.25;

/** A stable number in [0, 1) for a lead id. */
export function holdoutBucket(leadId: string): number {
  return createHash('sha256').update(leadId).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Leads whose bucket is below HOLDOUT_SHARE are held out. Both sides must hold both classes (AUC needs
 * them, training too), so when the hash leaves a side without a class, the lead of that class nearest
 * to the cut-off moves over. Needs at least two leads per class.
 */
export function splitHoldout<T extends { id: string; label: 0 | 1 }>(
  items: readonly T[],
): { training: T[]; holdout: T[] } {
  const byBucket = [...items]
    .map((item) => ({ item, bucket: holdoutBucket(item.id) }))
    .sort((a, b) => a.bucket - b.bucket || a.item.id.localeCompare(b.item.id));
  const held = new Set(byBucket.filter((e) => e.bucket < HOLDOUT_SHARE).map((e) => e.item));
  for (const label of [0, 1] as const) {
    const ofClass = byBucket.filter((e) => e.item.label === label).map((e) => e.item);
    if (ofClass.length < 2) throw new Error(`splitHoldout needs at least two leads of class ${label}`);
    if (!ofClass.some((item) => held.has(item))) held.add(ofClass[0]!);
    if (ofClass.every((item) => held.has(item))) held.delete(ofClass[ofClass.length - 1]!);
  }
  const ordered = byBucket.map((e) => e.item);
  return { training: ordered.filter((item) => !held.has(item)), holdout: ordered.filter((item) => held.has(item)) };
}
