import { idHash64 } from './id-hash.js';

/**
 * A set of record ids kept as 64-bit hashes in flat typed arrays, off the V8 heap: ~16 bytes per id, so removing
 * repeats from a 1M-row export costs ~16 MB instead of the ~80 MB a Set<string> would. The table is split into
 * shards that grow one at a time, so growing never holds two copies of the whole set. Two different ids share
 * a hash with probability ~n²/2^65 (about 3e-8 at 1M ids).
 */
export class IdHashSet {
  private readonly shards: HashShard[];
  private count = 0;

  constructor(shardCount = 64) {
    this.shards = Array.from({ length: shardCount }, () => new HashShard());
  }

  get size(): number {
    return this.count;
  }

  /** Adds the id; false when it was already there. */
  add(id: string): boolean {
    const [high, low] = idHash64(id);
    const shard = this.shards[high % this.shards.length] as HashShard;
    if (!shard.add(high, low)) return false;
    this.count += 1;
    return true;
  }
}

/** Open addressing with linear probing, grown at 3/4 full; a slot whose low word is 0 is empty. */
class HashShard {
  private hi = new Uint32Array(64);
  private lo = new Uint32Array(64);
  private count = 0;

  add(high: number, low: number): boolean {
    if (!this.insert(high, low)) return false;
    this.count += 1;
    if (this.count * 4 > this.lo.length * 3) this.grow();
    return true;
  }

  private insert(high: number, low: number): boolean {
    const mask = this.lo.length - 1;
    for (let slot = low & mask; ; slot = (slot + 1) & mask) {
      if (this.lo[slot] === 0) {
        this.hi[slot] = high;
        this.lo[slot] = low;
        return true;
      }
      if (this.lo[slot] === low && this.hi[slot] === high) return false;
    }
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(lo.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    for (let slot = 0; slot < lo.length; slot += 1) {
      if (lo[slot] !== 0) this.insert(hi[slot] as number, lo[slot] as number);
    }
  }
}
