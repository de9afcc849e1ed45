import { hash32, uuidFor } from './random.js';

/** Rows are laid out in blocks; a tie group (identical updatedAt) never crosses a block. */
export const BLOCK_SIZE = 20;
/** Largest number of rows sharing one updatedAt in the generated history. Export page sizes must exceed it. */
export const MAX_TIE_GROUP = BLOCK_SIZE;

const HISTORY_START = Date.UTC(2020, 0, 1);
// Generated history ends well before any real "now", so rows edited or inserted at run time (stamped with the
// wall clock) always sort after every generated row.
const HISTORY_END = Date.UTC(2025, 0, 1);
const MAX_BLOCK_SPAN_MS = 10 * 60 * 1000;

interface Block {
  /** updatedAt (epoch ms) of each position in the block. */
  times: number[];
  /** Row index stored at each position: within a tie group rows are ordered by id. */
  indexAt: number[];
}

/**
 * The generated history of one resource: position p in export order (updatedAt, id) holds some row index,
 * and updatedAt is monotone in p. Everything is computed per block of 20 on demand, so locating `start`
 * is O(1) arithmetic plus a 20-row scan, whatever the row count.
 *
 * Block shapes (chosen per block by hash): a bulk import (all 20 rows share one timestamp), medium batches
 * (groups of 5-12 rows), or ordinary traffic (mostly distinct timestamps, an occasional pair).
 */
export class Timeline {
  readonly span: number;
  readonly origin: number;
  private readonly cache = new Map<number, Block>();

  constructor(
    readonly count: number,
    private readonly key: number,
  ) {
    const blocks = Math.max(1, Math.ceil(count / BLOCK_SIZE));
    this.span = Math.max(
      BLOCK_SIZE + 1,
      Math.min(MAX_BLOCK_SPAN_MS, Math.floor((HISTORY_END - HISTORY_START) / blocks) - 1),
    );
    // Resources start at different moments so their timestamps do not line up across exports.
    this.origin = HISTORY_START + (hash32(key, 7) % (24 * 3600 * 1000));
  }

  idOf(index: number): string {
    return uuidFor(this.key, index);
  }

  timeAt(position: number): number {
    return this.block(Math.floor(position / BLOCK_SIZE)).times[position % BLOCK_SIZE] as number;
  }

  indexAt(position: number): number {
    return this.block(Math.floor(position / BLOCK_SIZE)).indexAt[position % BLOCK_SIZE] as number;
  }

  positionOf(index: number): number {
    const b = Math.floor(index / BLOCK_SIZE);
    const offset = this.block(b).indexAt.indexOf(index);
    return b * BLOCK_SIZE + offset;
  }

  /** First position whose updatedAt is >= start (count when none). */
  lowerBound(start: number): number {
    if (this.count === 0) return 0;
    const b = Math.floor((start - this.origin) / this.span);
    if (b < 0) return 0;
    const lastBlock = Math.floor((this.count - 1) / BLOCK_SIZE);
    if (b > lastBlock) return this.count;
    const times = this.block(b).times;
    for (let j = 0; j < BLOCK_SIZE; j++) {
      const position = b * BLOCK_SIZE + j;
      if (position >= this.count) return this.count;
      if ((times[j] as number) >= start) return position;
    }
    return Math.min(this.count, (b + 1) * BLOCK_SIZE);
  }

  private block(b: number): Block {
    const cached = this.cache.get(b);
    if (cached) return cached;
    const built = this.build(b);
    if (this.cache.size >= 4096) this.cache.clear();
    this.cache.set(b, built);
    return built;
  }

  private build(b: number): Block {
    const shape = hash32(this.key, b, 11) % 10;
    const groupOf: number[] = [];
    let group = 0;
    let remaining = 0;
    for (let j = 0; j < BLOCK_SIZE; j++) {
      const h = hash32(this.key, b, j, 12);
      if (j > 0) {
        if (shape <= 2) {
          // bulk import: one group for the whole block
        } else if (shape <= 5) {
          if (remaining <= 0) group++;
        } else if (h % 100 < 90) {
          group++;
        }
      }
      if (shape > 2 && shape <= 5 && remaining <= 0) remaining = 5 + (h % 8);
      remaining--;
      groupOf.push(group);
    }
    const groups = group + 1;
    const step = Math.floor(this.span / groups);
    const start = this.origin + b * this.span;
    const groupTime = (g: number) =>
      start + g * step + (step > 1 ? hash32(this.key, b, g, 13) % (step - 1) : 0);
    const times = groupOf.map(groupTime);

    const indexAt: number[] = [];
    for (let j = 0; j < BLOCK_SIZE; j++) indexAt.push(b * BLOCK_SIZE + j);
    // Within a tie group the export order is by id, so sort the group's real rows by their UUIDs.
    let from = 0;
    while (from < BLOCK_SIZE) {
      let to = from;
      while (to < BLOCK_SIZE && groupOf[to] === groupOf[from]) to++;
      const members = indexAt
        .slice(from, to)
        .filter((i) => i < this.count)
        .map((i) => ({ i, id: this.idOf(i) }));
      members.sort((x, y) => (x.id < y.id ? -1 : 1));
      for (let k = 0; k < members.length; k++) indexAt[from + k] = (members[k] as { i: number }).i;
      from = to;
    }
    return { times, indexAt };
  }
}
