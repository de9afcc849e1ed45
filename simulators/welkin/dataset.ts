import { hash32, indexOfUuid, saltOf } from './random.js';
import { GENERATORS, type ResourceName, type SimRecord } from './records.js';
import { Timeline } from './timeline.js';

/** A row changed or created at run time; it sorts after all generated history. */
interface TailEntry {
  index: number;
  id: string;
  updatedAt: number;
  createdAt: number;
}

export interface ExportSlice {
  /** Row indices in export order. */
  rows: number[];
  /** More live rows follow the last one returned. */
  hasMore: boolean;
}

/**
 * One resource: the lazily generated history (Timeline) plus a small overlay of run-time mutations.
 * Edited or inserted rows leave the generated order and join the tail, stamped with the wall clock, so the
 * live export order is: generated positions that were neither edited nor deleted, then the tail.
 */
export class Dataset {
  readonly key: number;
  readonly timeline: Timeline;
  /** Generated positions that left the generated order (edited or deleted), sorted ascending. */
  private readonly removedPositions: number[] = [];
  private readonly removedSet = new Set<number>();
  private readonly tail: TailEntry[] = [];
  private readonly tailByIndex = new Map<number, TailEntry>();
  private readonly deleted = new Set<number>();
  private readonly revisions = new Map<number, number>();
  private inserted = 0;
  private lastStamp = 0;

  constructor(
    readonly resource: ResourceName,
    readonly count: number,
    seed: number,
    private readonly ref: (resource: ResourceName, n: number) => string | null,
  ) {
    this.key = hash32(seed, saltOf(resource));
    this.timeline = new Timeline(count, this.key);
  }

  get totalEverPresent(): number {
    return this.count + this.inserted;
  }

  get liveCount(): number {
    return this.count - this.removedSet.size + this.tail.length;
  }

  idOf(index: number): string {
    return this.timeline.idOf(index);
  }

  indexOf(id: string): number | undefined {
    const index = indexOfUuid(this.key, id.toLowerCase());
    return index !== undefined && index < this.totalEverPresent ? index : undefined;
  }

  isLive(index: number): boolean {
    return index < this.totalEverPresent && !this.deleted.has(index);
  }

  record(index: number): SimRecord {
    const entry = this.tailByIndex.get(index);
    let updatedAt: number;
    let createdAt: number;
    if (entry) {
      updatedAt = entry.updatedAt;
      createdAt = entry.createdAt;
    } else {
      updatedAt = this.timeline.timeAt(this.timeline.positionOf(index));
      createdAt = updatedAt - (hash32(this.key, index, 99) % (400 * 86_400_000));
    }
    return GENERATORS[this.resource]({
      index,
      id: this.idOf(index),
      createdAt: Math.min(createdAt, updatedAt),
      updatedAt,
      revision: this.revisions.get(index) ?? 0,
      key: this.key,
      ref: this.ref,
    });
  }

  /** Live rows with updatedAt >= start in (updatedAt, id) order, at most `limit`. */
  exportFrom(start: number, limit: number): ExportSlice {
    const rows: number[] = [];
    for (let p = this.timeline.lowerBound(start); p < this.count && rows.length <= limit; p++) {
      if (!this.removedSet.has(p)) rows.push(this.timeline.indexAt(p));
    }
    for (let t = this.tailLowerBound(start); t < this.tail.length && rows.length <= limit; t++) {
      rows.push((this.tail[t] as TailEntry).index);
    }
    const hasMore = rows.length > limit;
    if (hasMore) rows.length = limit;
    return { rows, hasMore };
  }

  /** The k-th live row (0-based) in export order. */
  nthLive(k: number): number {
    const generatedLive = this.count - this.removedSet.size;
    if (k >= generatedLive) return (this.tail[k - generatedLive] as TailEntry).index;
    // smallest position p with (p + 1 - removed positions <= p) > k
    let lo = k;
    let hi = Math.min(this.count - 1, k + this.removedPositions.length);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (mid + 1 - upperBound(this.removedPositions, mid) > k) hi = mid;
      else lo = mid + 1;
    }
    return this.timeline.indexAt(lo);
  }

  /** Live rows [from, from + size) in export order. */
  liveSlice(from: number, size: number): number[] {
    const out: number[] = [];
    const end = Math.min(this.liveCount, from + size);
    for (let k = from; k < end; k++) out.push(this.nthLive(k));
    return out;
  }

  /** An edit: the row gets a new revision and updatedAt = now, moving it to the end of the export order. */
  touch(index: number): boolean {
    if (!this.isLive(index)) return false;
    const createdAt = this.record(index).createdAt as string;
    this.detach(index);
    this.revisions.set(index, (this.revisions.get(index) ?? 0) + 1);
    this.append({ index, id: this.idOf(index), updatedAt: this.stamp(), createdAt: Date.parse(createdAt) });
    return true;
  }

  insert(): number {
    const index = this.count + this.inserted++;
    const now = this.stamp();
    this.append({ index, id: this.idOf(index), updatedAt: now, createdAt: now });
    return index;
  }

  remove(index: number): boolean {
    if (!this.isLive(index)) return false;
    this.detach(index);
    this.deleted.add(index);
    return true;
  }

  private detach(index: number): void {
    const entry = this.tailByIndex.get(index);
    if (entry) {
      this.tail.splice(this.tail.indexOf(entry), 1);
      this.tailByIndex.delete(index);
      return;
    }
    const position = this.timeline.positionOf(index);
    if (this.removedSet.has(position)) return;
    this.removedSet.add(position);
    this.removedPositions.splice(upperBound(this.removedPositions, position), 0, position);
  }

  private append(entry: TailEntry): void {
    let at = this.tail.length;
    while (at > 0 && compareEntries(this.tail[at - 1] as TailEntry, entry) > 0) at--;
    this.tail.splice(at, 0, entry);
    this.tailByIndex.set(entry.index, entry);
  }

  private stamp(): number {
    this.lastStamp = Math.max(Date.now(), this.lastStamp);
    return this.lastStamp;
  }

  private tailLowerBound(start: number): number {
    let lo = 0;
    let hi = this.tail.length;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if ((this.tail[mid] as TailEntry).updatedAt < start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function compareEntries(a: TailEntry, b: TailEntry): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt - b.updatedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Number of sorted values <= x. */
function upperBound(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
