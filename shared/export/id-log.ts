import { idHash52 } from './id-hash.js';

const CHUNK = 65_536;

/**
 * Ids written so far, as 52-bit hashes in fixed-size chunks (8 bytes per id, no rehashing), for pagers that
 * append many ids and only later ask about a few of them. The first `has` sorts each chunk once; appending
 * after that is not allowed. A false "seen" for a given id has probability ~n/2^52 (2e-10 at 1M ids).
 * The hashes can be saved and loaded (8 bytes per id), so a run continued in another process keeps them.
 */
export class IdLog {
  private readonly chunks: Float64Array[] = [];
  /** How many hashes the last chunk holds; earlier chunks are full (or loaded, exactly sized). */
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

  get size(): number {
    return this.filledChunks().reduce((sum, chunk) => sum + chunk.length, 0);
  }

  /** Every hash, 8 bytes each (little-endian doubles), for `load` in another process. */
  save(): Buffer {
    const out = Buffer.allocUnsafe(this.size * 8);
    let offset = 0;
    for (const chunk of this.filledChunks()) {
      Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length * 8).copy(out, offset);
      offset += chunk.length * 8;
    }
    return out;
  }

  static load(saved: Uint8Array): IdLog {
    if (saved.length % 8 !== 0)
      throw new Error('IdLog: saved hashes are not a whole number of 8-byte values');
    const log = new IdLog();
    // Copied into its own buffer: a Float64Array needs an 8-byte-aligned start.
    const hashes = new Float64Array(saved.length / 8);
    Buffer.from(hashes.buffer).set(saved);
    // Kept as one exactly sized chunk; the next append opens a new one.
    if (hashes.length > 0) log.chunks.push(hashes);
    return log;
  }

  private filledChunks(): Float64Array[] {
    const last = this.chunks.length - 1;
    return this.chunks.map((chunk, index) =>
      index === last && this.used < CHUNK ? chunk.subarray(0, this.used) : chunk,
    );
  }

  private seal(): void {
    this.sealed = true;
    const last = this.chunks.length - 1;
    // The unused tail of the last chunk is cut off so its zeros do not read as ids.
    if (last >= 0 && this.used < CHUNK)
      this.chunks[last] = (this.chunks[last] as Float64Array).slice(0, this.used);
    this.used = CHUNK;
    for (const chunk of this.chunks) chunk.sort();
  }
}
