import { AsyncLocalStorage } from 'node:async_hooks';
import { type SentRequest, watchRequests } from '../http/request-watch.js';
import { redactUrl } from '../redact.js';
import { IdHashSet } from './id-hash-set.js';
import { NoProgressError } from './no-progress-error.js';

/** How many requests a resource may make for the pages that brought it new rows. */
export interface ProgressLimits {
  /** Requests allowed per page with new rows: a page, plus one confirmation or re-ask. */
  perFruitfulPage: number;
  /** Requests allowed besides: the ends of data that cost one more request, id-range splits, empty windows. */
  slack: number;
}

export const DEFAULT_PROGRESS_LIMITS: ProgressLimits = { perFruitfulPage: 2, slack: 10 };

const activeGuard = new AsyncLocalStorage<ProgressGuard>();

/**
 * Progress as an engine invariant, the same for every pager of every source (the model is the Singer SDK's
 * paginator, which refuses a token it has already seen). The engine runs each resource's paging inside a
 * guard that sees every request the resource makes (through the HTTP client's request watch, so a pager that
 * asks several times for one page is counted right) and every page it yields, and fails the resource at once
 * with a NoProgressError when:
 *
 * - the same GET is asked a third time in one pass: pagers ask once more to confirm an end or an empty answer
 *   ("one signal is never proof"), never twice more, so a third time is a loop (a next link to itself, a
 *   cycle A -> B -> A, a server that ignores the position it is given);
 * - a page brings no new row and hands back the position it started from;
 * - the requests outgrow what the rows can need: more than `perFruitfulPage` x pages-with-new-rows + `slack`.
 *
 * Retries of one request (5xx, 429, a renewed token) are the HTTP client's own and not counted; POSTs are
 * token exchanges, not paging. A pager that deliberately reads its list again from the start (a re-scan of an
 * offset list that moved) starts a new pass (`startNewPass`), which forgets the requests of the pass before
 * but keeps counting them.
 */
export class ProgressGuard {
  private asked = new IdHashSet(4);
  private askedTwice = new IdHashSet(4);
  private requests = 0;
  private fruitfulPages = 0;
  private lastRequest = 'the first request';

  constructor(
    private lastCursor: string | undefined,
    private readonly limits: ProgressLimits = DEFAULT_PROGRESS_LIMITS,
  ) {}

  /** Runs `work` (one resource's paging) with this guard watching every request made inside it. */
  watch<T>(work: () => Promise<T>): Promise<T> {
    return activeGuard.run(this, () => watchRequests((request) => this.request(request), work));
  }

  /** Before a request is sent; throws instead of sending one that cannot make progress. */
  request({ method, url, attempt }: SentRequest): void {
    if (attempt > 0 || method !== 'GET') return;
    const where = `${method} ${redactUrl(url)}`;
    const allowed = this.limits.perFruitfulPage * this.fruitfulPages + this.limits.slack;
    if (this.requests + 1 > allowed) {
      throw new NoProgressError(
        `no progress: ${this.requests} requests brought ${this.fruitfulPages} page(s) with new rows, the most ` +
          `allowed (${this.limits.perFruitfulPage} x pages + ${this.limits.slack}); refused the next: ${where}`,
      );
    }
    const key = `${method} ${url.href}`;
    if (!this.asked.add(key) && !this.askedTwice.add(key)) {
      throw new NoProgressError(`no progress: the same request a third time, paging loops (${where})`);
    }
    this.requests += 1;
    this.lastRequest = where;
  }

  /** After each page: `fresh` is how many of its rows the resource had not had yet. */
  page(cursor: string | undefined, fresh: number): void {
    if (fresh > 0) this.fruitfulPages += 1;
    else if (cursor !== undefined && cursor === this.lastCursor) {
      throw new NoProgressError(
        `no progress: a page brought no new row and left the position where it was (${this.lastRequest})`,
      );
    }
    this.lastCursor = cursor;
  }

  /** The pager reads its list again from the start: its requests repeat those of the pass before, once. */
  newPass(): void {
    this.asked = new IdHashSet(4);
    this.askedTwice = new IdHashSet(4);
  }
}

/** Called by a pager that deliberately starts its list again from the start; a no-op outside a guard. */
export function startNewPass(): void {
  activeGuard.getStore()?.newPass();
}
