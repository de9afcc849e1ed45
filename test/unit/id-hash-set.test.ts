import { describe, expect, it } from 'vitest';
import { IdHashSet } from '../../shared/export/id-hash-set.js';

describe('IdHashSet', () => {
  it('adds each id once across growth, telling repeats apart', () => {
    // Prepare
    const set = new IdHashSet(4);
    const ids = Array.from(
      { length: 50_000 },
      (_, index) => `1200290000000${String(index).padStart(6, '0')}`,
    );

    // Act
    const firstPass = ids.map((id) => set.add(id));
    const secondPass = ids.map((id) => set.add(id));

    // Assess
    expect(firstPass.every(Boolean)).toBe(true);
    expect(secondPass.some(Boolean)).toBe(false);
    expect(set.size).toBe(ids.length);
    expect(set.add('a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d')).toBe(true);
    expect(set.add('')).toBe(true);
    expect(set.add('')).toBe(false);
  });
});
