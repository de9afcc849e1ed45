/**
 * Deterministic pseudo-randomness. Rows are generated from their index, so every value is a pure function of
 * (seed, resource, row index, field): the same simulator options always serve the same bytes.
 */

import { mix32 } from '../shared/mix32.js';

/** Unsigned 32-bit hash of a few integers. */
export function hash32(a: number, b: number, c = 0, d = 0): number {
  let h = mix32(a ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(b | 0, 0x27d4eb2f));
  h = mix32(h ^ Math.imul((c | 0) + 0x165667b1, 0x85ebca77));
  h = mix32(h ^ Math.imul((d | 0) + 0x2f0b3c55, 0xc2b2ae3d));
  return h;
}

/** Hash of a string (resource names, field names) to seed per-resource streams. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** A float in [0, 1) from a hash. */
export function unit(h: number): number {
  return h / 0x1_0000_0000;
}

/** Sequential generator for run-time decisions (faults, mutations): mulberry32. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = (seed ^ 0x6d2b79f5) >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
