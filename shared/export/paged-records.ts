import { MalformedResponseError } from '../errors.js';
import type { ScannedRecord } from '../json/page-scanner.js';
import type { PagedRecord } from './pager.js';

/**
 * The page's records with their ids: the value of `key` (`id` unless the resource names another member); a
 * record without a string or number value there fails the page. The id is its VALUE (a string's characters, a
 * number as sent: `1` and `"1"` are one id), the same value the current state compares (idValueOf in
 * shared/current-state/record-id.ts), so dedupe and checkpoints ignore the spelling.
 */
export function pagedRecords(
  records: readonly ScannedRecord[],
  where: string,
  noun = 'record',
  key = 'id',
): PagedRecord[] {
  return records.map((record, index) => {
    const id = record.fields.get(key);
    if (id === undefined) throw new MalformedResponseError(`${where}: ${noun} ${index} has no ${key}`);
    return { id, json: record.json };
  });
}
