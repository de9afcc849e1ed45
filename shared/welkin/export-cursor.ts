import { z } from 'zod';
import { MalformedResponseError } from '../errors.js';

/**
 * Position in an Export API stream. `start` is inclusive upstream, so the records updated exactly at `start`
 * come back on the next page; `seen` holds the ids among them already emitted. Kept in the checkpoint, it lets
 * a continued run resume without a duplicate. Small: ties of one updatedAt are a few dozen rows at most.
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
