import { describe, expect, it } from 'vitest';
import { IdLog } from '../../shared/export/id-log.js';

describe('IdLog', () => {
  it('answers membership for ids appended across several chunks, and refuses appends after a lookup', () => {
    // Prepare
    const log = new IdLog();
    const ids = Array.from(
      { length: 150_000 },
      (_, index) => `a0b1c2d3-e4f5-4a6b-8c7d-${String(index).padStart(12, '0')}`,
    );
    for (const id of ids) log.append(id);

    // Act
    const present = [ids[0], ids[70_000], ids[149_999]].map((id) => log.has(id as string));
    const absent = ['a0b1c2d3-e4f5-4a6b-8c7d-999999999999', '', 'x'].map((id) => log.has(id));

    // Assess
    expect(present).toEqual([true, true, true]);
    expect(absent).toEqual([false, false, false]);
    expect(() => log.append('late')).toThrow(/append after the first lookup/);
  });

  it('saves its hashes and loads them in another log that still takes appends', () => {
    // Prepare
    const log = new IdLog();
    const ids = Array.from({ length: 70_000 }, (_, index) => `id-${index}`);
    for (const id of ids) log.append(id);

    // Act
    const saved = log.save();
    const loaded = IdLog.load(Buffer.from(saved.toString('base64'), 'base64'));
    loaded.append('after-load');

    // Assess
    expect(saved.length).toBe(70_000 * 8);
    expect([ids[0], ids[69_999], 'after-load'].map((id) => loaded.has(id as string))).toEqual([
      true,
      true,
      true,
    ]);
    expect(loaded.has('never')).toBe(false);
    expect(loaded.size).toBe(70_001);
    expect(() => IdLog.load(new Uint8Array(12))).toThrow(/8-byte/);
  });
});
