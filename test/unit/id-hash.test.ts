import { describe, expect, it } from 'vitest';
import { idHash52, idHash64 } from '../../shared/export/id-hash.js';

// Values of the cyrb53 construction the id sets used before sharing one hash; a continuation's id log written
// by an older build must still match.
const KNOWN: Array<[string, number, [number, number]]> = [
  ['', 3338908027751811, [451841411, 1217125561]],
  ['123456789012345678901', 2404439152749785, [496331993, 856197843]],
  ['c0ffee00-0000-4000-8000-000000000001', 3661119643671285, [3621214965, 615317957]],
  ['ä€😀', 2654896407576383, [1028259647, 1909026461]],
];

describe('id hash', () => {
  it.each(KNOWN)('hashes %j to the established 52- and 64-bit values', (text, hash52, hash64) => {
    // Prepare: the id text.

    // Act
    const narrow = idHash52(text);
    const wide = idHash64(text);

    // Assess
    expect(narrow).toBe(hash52);
    expect(Number.isSafeInteger(narrow)).toBe(true);
    expect(wide).toEqual(hash64);
    expect(wide[1] % 2).toBe(1);
  });
});
