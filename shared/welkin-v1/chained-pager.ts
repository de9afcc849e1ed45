import { z } from 'zod';
import { MalformedResponseError } from '../errors.js';
import type { ExportWindow, Page, ResourcePager } from '../export/pager.js';

const cursorSchema = z.object({ part: z.number().int().min(0), inner: z.string().optional() });

/**
 * One resource read as several queries in turn (audit_logs: one Find per `event_type`): each part's pages,
 * then the next part's. The cursor names the part and that part's own cursor, so a continuation resumes
 * inside the part it stopped in.
 */
export class ChainedPager implements ResourcePager {
  readonly yieldsEachOnce: boolean;
  readonly pausable: boolean;
  readonly supportsIncremental: boolean;

  constructor(private readonly parts: readonly ResourcePager[]) {
    this.yieldsEachOnce = parts.every((part) => part.yieldsEachOnce);
    this.pausable = parts.every((part) => part.pausable);
    this.supportsIncremental = parts.every((part) => part.supportsIncremental);
  }

  async *pages(window: ExportWindow, cursor?: string): AsyncIterable<Page> {
    let start = { part: 0, inner: undefined as string | undefined };
    if (cursor) {
      try {
        start = cursorSchema.parse(JSON.parse(cursor)) as typeof start;
      } catch (error) {
        throw new MalformedResponseError('chained checkpoint cursor is not valid', { cause: error });
      }
    }
    for (let part = start.part; part < this.parts.length; part += 1) {
      const pager = this.parts[part] as ResourcePager;
      const inner = part === start.part ? start.inner : undefined;
      for await (const page of pager.pages(window, inner)) {
        yield { ...page, cursor: JSON.stringify({ part, inner: page.cursor }) };
      }
    }
  }
}
