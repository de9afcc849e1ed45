import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * True when `presented` equals one of `accepted` (current and, during a rotation, previous secrets).
 * Comparing fixed-length digests keeps timing independent of where the strings differ and of their length,
 * and every candidate is checked so the answer does not reveal which one matched.
 */
export function secretMatches(presented: string | undefined, accepted: readonly string[]): boolean {
  if (presented === undefined) return false;
  const given = digest(presented);
  let match = false;
  for (const secret of accepted) {
    if (secret.length === 0) continue;
    if (timingSafeEqual(given, digest(secret))) match = true;
  }
  return match;
}
