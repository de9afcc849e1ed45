import { z } from 'zod';
import { MalformedResponseError } from '../errors.js';

/**
 * Position in an Export API stream. `start` is assumed inclusive upstream, so the records updated at or after
 * `start` on the last page come back on the next one; `seen` holds their ids, already emitted. Kept in the
 * checkpoint, it lets a continued run resume without a gap or a duplicate. Small: normally the tie group of
 * the last updatedAt, a few dozen rows at most, and never more than one page.
 */
export interface ExportPosition {
  start: string;
  seen: string[];
}

const positionSchema = z.object({ start: z.string(), seen: z.array(z.string()) });

export function encodePosition(position: ExportPosition): string {
  return JSON.stringify(position);
}

export function decodePosition(cursor: string): ExportPosition {
  try {
    return positionSchema.parse(JSON.parse(cursor));
  } catch (error) {
    throw new MalformedResponseError('Welkin export checkpoint cursor is not valid', { cause: error });
  }
}
