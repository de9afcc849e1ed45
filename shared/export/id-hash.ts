/**
 * The one string hash the engine keys record ids by (cyrb53: two mixed 32-bit multiplicative hashes), kept
 * off the V8 heap by the id sets that use it. Filled into one scratch pair so hashing allocates nothing.
 */
const words = new Uint32Array(2);

function cyrb53(text: string): Uint32Array {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  words[0] = h1;
  words[1] = h2;
  return words;
}

/** All 64 bits as [high, low]; the low word is never 0 (0 marks an empty slot). */
export function idHash64(text: string): [number, number] {
  const [high, low] = cyrb53(text) as unknown as [number, number];
  return [high, (low | 1) >>> 0];
}

/** 53 bits as one number, the top bit dropped so every value is a safe, exact double. */
export function idHash52(text: string): number {
  const [high, low] = cyrb53(text) as unknown as [number, number];
  return 4294967296 * (1048575 & low) + high;
}
