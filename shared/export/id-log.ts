import { idHash52 } from './id-hash.js';

const CHUNK = 65_536;

/**
 * Ids written so far, as 52-bit hashes in fixed-size chunks (8 bytes per id, no rehashing), for pagers that
 * append many ids and only later ask about a few of them. The first `has` sorts each chunk once; appending
 * after that is not allowed. A false "seen" for a given id has probability ~n/2^52 (2e-10 at 1M ids).
 */
export class IdLog {
  private readonly chunks: Float64Array[] = [];
  private used = CHUNK;
  private sealed = false;

  append(id: string): void {
    if (this.sealed) throw new Error('IdLog: append after the first lookup');
    if (this.used === CHUNK) {
      this.chunks.push(new Float64Array(CHUNK));
      this.used = 0;
    }
    (this.chunks[this.chunks.length - 1] as Float64Array)[this.used++] = idHash52(id);
  }

  has(id: string): boolean {
    if (!this.sealed) this.seal();
    const wanted = idHash52(id);
    return this.chunks.some((chunk) => {
      let low = 0;
      let high = chunk.length - 1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        const value = chunk[middle] as number;
        if (value === wanted) return true;
        if (value < wanted) low = middle + 1;
        else high = middle - 1;
      }
      return false;
    });
  }

  private seal(): void {
    this.sealed = true;
    const last = this.chunks.length - 1;
    // The unused tail of the last chunk is cut off so its zeros do not read as ids.
    if (last >= 0) this.chunks[last] = (this.chunks[last] as Float64Array).slice(0, this.used);
    for (const chunk of this.chunks) chunk.sort();
  }
}
