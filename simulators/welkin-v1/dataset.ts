import { mix32 } from '../shared/mix32.js';
import { fieldValue, type SimModel } from './models.js';

export interface SimRow {
  id: string;
  /** Microseconds since the epoch; the sort key with the id. */
  micros: bigint;
  createdMicros: bigint;
  revision: number;
}

const DAY_MICROS = 86_400_000_000n;

/** `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`, the format of the v1 reference. */
export function isoMicros(micros: bigint): string {
  const ms = micros / 1000n;
  return `${new Date(Number(ms)).toISOString().slice(0, 23)}${String(micros % 1000n).padStart(3, '0')}+00:00`;
}

/**
 * One resource's rows, kept sorted by (updated_at, id) as Find serves them. Generated rows fall in groups
 * of `tieSize` sharing one updated_at to the microsecond, so clients must page through ties.
 */
export class SimDataset {
  rows: SimRow[] = [];
  private serial = 0;

  constructor(
    readonly model: SimModel,
    private readonly seed: number,
    count: number,
    tieSize: number,
    startMicros: bigint,
  ) {
    for (let i = 0; i < count; i++) {
      const group = BigInt(Math.floor(i / Math.max(1, tieSize)));
      const micros = startMicros + group * 1_000_003n + BigInt(mix32(seed ^ i) % 997);
      const tie = startMicros + group * 1_000_003n;
      const at = tieSize > 1 ? tie : micros;
      this.rows.push({ id: this.newId(), micros: at, createdMicros: at - DAY_MICROS, revision: 0 });
    }
    this.sort();
  }

  /** A deterministic UUID-shaped id. */
  newId(): string {
    const n = this.serial++;
    const h = (k: number) => mix32(this.seed * 7919 + n * 31 + k + this.model.path.length * 104_729);
    const hex = (k: number) => h(k).toString(16).padStart(8, '0');
    const [a, b, c, d] = [hex(1), hex(2), hex(3), hex(4)];
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }

  sort(): void {
    this.rows.sort((x, y) => (x.micros < y.micros ? -1 : x.micros > y.micros ? 1 : x.id < y.id ? -1 : 1));
  }

  /** Index of the first row with (micros, id) not below the key. */
  lowerBound(micros: bigint, id = ''): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const row = this.rows[mid] as SimRow;
      if (row.micros < micros || (row.micros === micros && row.id < id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  find(id: string): SimRow | undefined {
    return this.rows.find((row) => row.id === id);
  }

  /** The record as served. */
  record(row: SimRow): Record<string, unknown> {
    const hash = mix32(
      this.seed ^ mix32(row.revision * 65_537 + row.id.charCodeAt(0) + row.id.charCodeAt(9)),
    );
    const body: Record<string, unknown> = { id: row.id };
    this.model.fields.forEach((field, index) => {
      body[field] = fieldValue(
        field,
        mix32(hash + index),
        (h) => `${h.toString(16).padStart(8, '0')}-0000-4000-a000-000000000000`,
      );
    });
    if (this.model.timestamped) {
      body.updated_at = isoMicros(row.micros);
      body.created_at = isoMicros(row.createdMicros);
    }
    return body;
  }
}
