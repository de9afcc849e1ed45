/** The time window of one run. `since` is absent for a full snapshot. */
export interface ExportWindow {
  since?: string;
  until: string;
}

export interface PagedRecord {
  /** The value of the record's key member (`id` unless the pager names another `key`). */
  id: string;
  /**
   * The record's JSON text as the API sent it, already one NDJSON line (no whitespace outside strings when it
   * had some; U+2028/U+2029 escaped): written as it is, never parsed and re-serialised.
   */
  json: string;
}

export interface Page {
  records: PagedRecord[];
  /** Opaque position after this page; handing it back to `pages` continues right after it. */
  cursor: string | undefined;
  /** Rows the server says the window holds (Cliniko's total_entries): a progress estimate, never the end. */
  total?: number;
}

/**
 * One resource's paging strategy. A pager yields each record of the window at least once; the engine removes
 * repeats (keeping the ids seen) unless the pager promises each record once (keyset paging), which needs no
 * memory.
 */
export interface ResourcePager {
  readonly yieldsEachOnce: boolean;
  /**
   * False: the engine never stops this pager at a checkpoint mid-run, because a continuation could not resume
   * it without a gap or a repeat (offset-paged lists; they are small).
   */
  readonly pausable: boolean;
  /** Whether `since` is honoured; a resource without an updated-at filter always gets a full snapshot. */
  readonly supportsIncremental: boolean;
  /**
   * The top-level member that identifies a record when it is not `id` (Welkin's program definitions are keyed
   * by `name`): what `PagedRecord.id` holds, what dedupe compares, and what the current state keys on (the run
   * manifest records it).
   */
  readonly key?: string;
  pages(window: ExportWindow, cursor?: string): AsyncIterable<Page>;
  /**
   * What the pager must remember across a checkpoint besides its cursor (ids already emitted: too many for the
   * checkpoint itself). The engine stores it beside the run and hands it to the continuation.
   */
  readonly memory?: PagerMemory;
}

export interface PagerMemory {
  /** The state after the pages yielded so far; undefined when there is nothing to keep. */
  save(): string | undefined;
  /** Called before `pages` on a continuation, with what `save` returned in the invocation before. */
  load(saved: string): void;
}
