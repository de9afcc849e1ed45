import { hash32, hashString } from './prng.js';
import type { MetaParams, RowMeta } from './row-meta.js';
import { metaParams, pristineMeta } from './row-meta.js';

/** A row filter over metadata; `key` names it for the count cache, `trivial` means "every live row". */
export interface RowPredicate {
  key: string;
  trivial: boolean;
  test(meta: RowMeta, index: number): boolean;
}

const ID_ORIGIN = 1_200_000_000_000_000_000n;
const ID_STEP = 1000;
const PREFIX_CACHE_SIZE = 8;

/**
 * One resource's rows, addressed by index: 0..rows-1 are generated lazily, later indexes are rows inserted
 * at run time. Ids and created_at both rise with the index, so id ranges map to index ranges by arithmetic.
 * Only rows that changed (deleted, edited, archived, inserted) are held in memory.
 */
export class ResourceStore {
  readonly params: MetaParams;
  private readonly idBase: bigint;
  private readonly overrides = new Map<number, RowMeta>();
  /** Sorted indexes of generated rows that have an override, for count corrections. */
  private readonly dirty: number[] = [];
  private readonly inserted: { id: bigint; meta: RowMeta }[] = [];
  private readonly insertedById = new Map<bigint, number>();
  private readonly deleted: string[] = [];
  /** Counts of matching untouched generated rows, by predicate key: prefix[i] = matches in [0, i). */
  private readonly prefixCache = new Map<string, Uint32Array>();

  constructor(
    readonly name: string,
    resourceOrdinal: number,
    readonly rows: number,
    seed: number,
    readonly cancellable: boolean,
    readonly archivable: boolean,
  ) {
    this.params = metaParams(hashString(name) ^ seed, rows, { cancellable, archivable });
    this.idBase = ID_ORIGIN + BigInt(resourceOrdinal) * 10_000_000_000_000n;
  }

  /** Size of the index space: generated plus inserted rows (deleted ones included). */
  get size(): number {
    return this.rows + this.inserted.length;
  }

  baseId(i: number): bigint {
    return this.idBase + BigInt(i * ID_STEP + (hash32(this.params.salt, i, 5) % (ID_STEP / 2)));
  }

  idOf(i: number): bigint {
    return i < this.rows ? this.baseId(i) : (this.inserted[i - this.rows] as { id: bigint }).id;
  }

  meta(i: number): RowMeta {
    if (i >= this.rows) return (this.inserted[i - this.rows] as { meta: RowMeta }).meta;
    return this.overrides.get(i) ?? pristineMeta(this.params, i);
  }

  /** First index whose id is >= `id` (size if none). */
  lowerBound(id: bigint): number {
    const offset = id - this.idBase;
    let base = this.rows;
    if (offset <= 0n) base = 0;
    else {
      const guess = Number(offset / BigInt(ID_STEP));
      if (guess < this.rows) base = this.baseId(guess) >= id ? guess : guess + 1;
    }
    if (base < this.rows) return base;
    let lo = 0;
    let hi = this.inserted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.inserted[mid] as { id: bigint }).id < id) lo = mid + 1;
      else hi = mid;
    }
    return this.rows + lo;
  }

  /** Index of a row with this id (deleted or not), or -1. */
  indexOf(id: bigint): number {
    const inserted = this.insertedById.get(id);
    if (inserted !== undefined) return inserted;
    const i = this.lowerBound(id);
    return i < this.rows && this.baseId(i) === id ? i : -1;
  }

  private live(meta: RowMeta, i: number, pred: RowPredicate): boolean {
    return !meta.deleted && pred.test(meta, i);
  }

  private prefix(pred: RowPredicate): Uint32Array {
    let prefix = this.prefixCache.get(pred.key);
    if (prefix) {
      // Refresh recency so the keyset exporter's predicate is not evicted by one-off queries.
      this.prefixCache.delete(pred.key);
    } else {
      prefix = new Uint32Array(this.rows + 1);
      for (let i = 0; i < this.rows; i++) {
        prefix[i + 1] = (prefix[i] as number) + (pred.test(pristineMeta(this.params, i), i) ? 1 : 0);
      }
      if (this.prefixCache.size >= PREFIX_CACHE_SIZE) {
        const oldest = this.prefixCache.keys().next().value;
        if (oldest !== undefined) this.prefixCache.delete(oldest);
      }
    }
    this.prefixCache.set(pred.key, prefix);
    return prefix;
  }

  /** Number of live rows matching `pred` in [lo, hi). */
  count(pred: RowPredicate, lo: number, hi: number): number {
    if (hi <= lo) return 0;
    let total = 0;
    const bLo = Math.min(lo, this.rows);
    const bHi = Math.min(hi, this.rows);
    if (bLo < bHi) {
      if (pred.trivial) total += bHi - bLo;
      else {
        const prefix = this.prefix(pred);
        total += (prefix[bHi] as number) - (prefix[bLo] as number);
      }
      for (let k = lowerIndex(this.dirty, bLo); k < this.dirty.length; k++) {
        const d = this.dirty[k] as number;
        if (d >= bHi) break;
        const before = pred.test(pristineMeta(this.params, d), d) ? 1 : 0;
        const now = this.live(this.meta(d), d, pred) ? 1 : 0;
        total += now - before;
      }
    }
    for (let i = Math.max(lo, this.rows); i < hi; i++) if (this.live(this.meta(i), i, pred)) total += 1;
    return total;
  }

  /** Index of the k-th (0-based) matching row in [lo, hi) in index order, or -1. */
  kth(pred: RowPredicate, lo: number, hi: number, k: number): number {
    if (k < 0 || this.count(pred, lo, hi) <= k) return -1;
    let a = lo;
    let b = hi - 1;
    while (a < b) {
      const mid = Math.floor((a + b) / 2);
      if (this.count(pred, lo, mid + 1) > k) b = mid;
      else a = mid + 1;
    }
    return a;
  }

  matches(pred: RowPredicate, i: number): boolean {
    return this.live(this.meta(i), i, pred);
  }

  /**
   * Up to `limit` matching indexes starting at the `skip`-th match, ascending or descending. Scans short
   * gaps and jumps long ones with `kth`, so sparse filters on a million rows stay cheap.
   */
  page(
    pred: RowPredicate,
    lo: number,
    hi: number,
    skip: number,
    limit: number,
    ascending: boolean,
  ): number[] {
    const total = this.count(pred, lo, hi);
    const out: number[] = [];
    if (skip >= total) return out;
    const wanted = Math.min(limit, total - skip);
    let p = this.kth(pred, lo, hi, ascending ? skip : total - 1 - skip);
    let gap = 0;
    while (out.length < wanted && p >= lo && p < hi) {
      if (this.matches(pred, p)) {
        out.push(p);
        gap = 0;
      } else if (++gap > 64) {
        const found = out.length + skip;
        p = this.kth(pred, lo, hi, ascending ? found : total - 1 - found);
        gap = 0;
        continue;
      }
      p += ascending ? 1 : -1;
    }
    return out;
  }

  private override(i: number): RowMeta {
    if (i >= this.rows) return this.meta(i);
    let meta = this.overrides.get(i);
    if (!meta) {
      meta = { ...pristineMeta(this.params, i) };
      this.overrides.set(i, meta);
      this.dirty.splice(lowerIndex(this.dirty, i), 0, i);
      // Cached prefixes count pristine rows only; overrides are corrected in count(), so no invalidation.
    }
    return meta;
  }

  remove(i: number): void {
    const meta = this.override(i);
    if (meta.deleted) return;
    meta.deleted = true;
    this.deleted.push(String(this.idOf(i)));
  }

  touch(i: number, nowS: number): void {
    const meta = this.override(i);
    meta.edits += 1;
    meta.updatedS = Math.max(meta.updatedS, nowS);
  }

  archive(i: number, nowS: number): void {
    if (!this.archivable) throw new Error(`${this.name} documents no archived_at: it has no archived rows`);
    const meta = this.override(i);
    meta.archivedS = Math.max(meta.updatedS, nowS);
    meta.updatedS = meta.archivedS;
  }

  /** Appends a row with a higher id (varying step) created now; returns its index. */
  insert(nowS: number, jitter: number): number {
    const last = this.size > 0 ? this.idOf(this.size - 1) : this.idBase;
    const id = last + BigInt(ID_STEP / 2 + (jitter % ID_STEP));
    const index = this.size;
    this.inserted.push({
      id,
      meta: {
        createdS: nowS,
        updatedS: nowS,
        archivedS: null,
        cancelledS: null,
        active: true,
        edits: 0,
        deleted: false,
      },
    });
    this.insertedById.set(id, index);
    return index;
  }

  deletedIds(): string[] {
    return [...this.deleted];
  }

  /** Ids of live rows for which `keep` holds, in id order. */
  ids(keep: (meta: RowMeta, index: number) => boolean): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.size; i++) {
      const meta = this.meta(i);
      if (!meta.deleted && keep(meta, i)) out.push(String(this.idOf(i)));
    }
    return out;
  }
}

/** First position in a sorted array whose value is >= x. */
function lowerIndex(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
