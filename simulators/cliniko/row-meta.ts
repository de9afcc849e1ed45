import { hash32 } from './prng.js';

/** The fields that filters, sorting and visibility depend on; everything else is generated on demand. */
export interface RowMeta {
  createdS: number;
  updatedS: number;
  archivedS: number | null;
  cancelledS: number | null;
  active: boolean;
  edits: number;
  deleted: boolean;
}

/** Generated history ends here, so fixtures do not depend on the wall clock; live edits use real time. */
export const DATA_EPOCH_S = Date.UTC(2025, 0, 1) / 1000;
const SPAN_S = 4 * 365 * 86_400;
const MAX_UPDATE_LAG_S = 90 * 86_400;

/** Per-resource constants: where created_at starts, its step, and phase offsets of the periodic flags. */
export interface MetaParams {
  salt: number;
  stepS: number;
  startS: number;
  archivedPhase: number;
  cancelledPhase: number;
  inactivePhase: number;
  /** Whether the list documents cancelled_at / archived_at: only then does it have such rows to hide. */
  cancellable: boolean;
  archivable: boolean;
}

export function metaParams(
  salt: number,
  rows: number,
  flags: { cancellable: boolean; archivable: boolean },
): MetaParams {
  // At least 2 s apart so a jitter below half a step keeps created_at strictly increasing with the index.
  const stepS = Math.max(2, Math.floor(SPAN_S / Math.max(rows, 1)));
  return {
    salt,
    stepS,
    startS: DATA_EPOCH_S - stepS * Math.max(rows, 1),
    archivedPhase: hash32(salt, 1) % 10,
    cancelledPhase: hash32(salt, 2) % 20,
    inactivePhase: hash32(salt, 3) % 5,
    ...flags,
  };
}

/**
 * Metadata of an untouched generated row. created_at rises strictly with the index (as ids do), so the
 * default order and `sort=id` are both index order. Flags are periodic rather than random so even a
 * 25-row resource has archived (10%), cancelled (5%) and inactive (20%) rows.
 */
export function pristineMeta(p: MetaParams, i: number): RowMeta {
  const h = hash32(p.salt, i, 7);
  const createdS = p.startS + i * p.stepS + (h % Math.floor(p.stepS / 2));
  const lag = hash32(p.salt, i, 8) % 5 < 2 ? 0 : hash32(p.salt, i, 9) % MAX_UPDATE_LAG_S;
  const updatedS = Math.max(createdS, Math.min(createdS + lag, DATA_EPOCH_S));
  const archived = p.archivable && (i + p.archivedPhase) % 10 === 0;
  const cancelled = p.cancellable && (i + p.cancelledPhase) % 20 === 0;
  return {
    createdS,
    updatedS,
    archivedS: archived ? updatedS : null,
    cancelledS: cancelled ? updatedS : null,
    active: (i + p.inactivePhase) % 5 !== 0,
    edits: 0,
    deleted: false,
  };
}

/** ISO-8601 UTC with whole seconds, as Cliniko sends: 2024-03-01T10:00:00Z. */
export function isoSeconds(s: number): string {
  return new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
