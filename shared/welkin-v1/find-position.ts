import { z } from 'zod';
import { MalformedResponseError } from '../errors.js';

/**
 * Where a Find paging stands, kept in checkpoints so a continued run has no gap and no repeat:
 * - `next`: the API's next link still to follow, when the last page had one;
 * - `from`: the `page[from]` to ask for otherwise (API format, microseconds);
 * - `seen`: ids already emitted whose update time is at or after `from` (they come back on that request),
 *   with that time in microseconds. Small: the rows of the last instant or two, never more than a page or so.
 */
export interface FindPosition {
  next?: string;
  from: string;
  seen: [id: string, updatedMicros: string][];
}

const positionSchema = z.object({
  next: z.string().optional(),
  from: z.string(),
  seen: z.array(z.tuple([z.string(), z.string().regex(/^-?\d+$/)])),
});

export function encodePosition(position: FindPosition): string {
  return JSON.stringify(position);
}

export function decodePosition(cursor: string): FindPosition {
  try {
    return positionSchema.parse(JSON.parse(cursor));
  } catch (error) {
    throw new MalformedResponseError('Welkin v1 checkpoint cursor is not valid', { cause: error });
  }
}
