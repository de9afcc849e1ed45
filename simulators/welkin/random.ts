/**
 * Deterministic hashing for the lazily generated data set: every field of row i is a pure function of
 * (seed, resource, i), so a million-row resource costs no memory until a page of it is requested.
 */

import { mix32 as fmix } from '../shared/mix32.js';

/** Hash of a list of non-negative integers (each taken modulo 2^32, high bits folded in). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const lo = part >>> 0;
    const hi = Math.floor(part / 0x1_0000_0000) >>> 0;
    h = fmix(h ^ lo) + 0x7f4a7c15;
    if (hi !== 0) h = fmix(h ^ hi);
  }
  return fmix(h);
}

/** A stable number for a string (resource names become salts). */
export function saltOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Uniform float in [0, 1) from a hash. */
export function unit(h: number): number {
  return h / 0x1_0000_0000;
}

export function pick<T>(items: readonly T[], h: number): T {
  return items[h % items.length] as T;
}

/** Seeded PRNG (mulberry32) for fault injection and mutation choices. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

const HALF = 0x100_0000; // 24 bits
const ROUNDS = 4;

// Ids must look random yet map back to their row without an index table (1M rows), so the last 48 bits of
// the UUID are a keyed Feistel permutation of the row index: invertible, and no two rows collide.
function feistel(key: number, value: number, inverse: boolean): number {
  let left = Math.floor(value / HALF);
  let right = value % HALF;
  if (!inverse) {
    for (let r = 0; r < ROUNDS; r++) {
      const next = (left ^ (hash32(key, r, right) & 0xffffff)) >>> 0;
      left = right;
      right = next;
    }
  } else {
    for (let r = ROUNDS - 1; r >= 0; r--) {
      const prev = (right ^ (hash32(key, r, left) & 0xffffff)) >>> 0;
      right = left;
      left = prev;
    }
  }
  return left * HALF + right;
}

// Number#toString(16) is slow enough to dominate a 1M-row export; byte tables are not.
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const NIBBLES3_HEX = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'));

const hex2 = (v: number) => BYTE_HEX[v & 0xff] as string;
const hex3 = (v: number) => NIBBLES3_HEX[v & 0xfff] as string;
const hex6 = (v: number) => hex2(v >>> 16) + hex2(v >>> 8) + hex2(v);
const hex8 = (v: number) => hex2(v >>> 24) + hex6(v);

/** A version-4-shaped UUID for row `index` (index < 2^48) of the keyed space. */
export function uuidFor(key: number, index: number): string {
  const a = hash32(key, index, 1);
  const b = hash32(key, index, 2);
  const c = hash32(key, index, 3);
  const tail = feistel(key, index, false);
  const variant = '89ab'[b & 3] as string;
  return `${hex8(a)}-${hex2(b >>> 24)}${hex2(b >>> 16)}-4${hex3(b >>> 4)}-${variant}${hex3(c)}-${hex6(Math.floor(tail / HALF))}${hex6(tail % HALF)}`;
}

/** The row index a UUID was made from, or undefined when it is not one of ours. */
export function indexOfUuid(key: number, id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return undefined;
  const index = feistel(key, Number.parseInt(id.slice(24), 16), true);
  return uuidFor(key, index) === id ? index : undefined;
}
