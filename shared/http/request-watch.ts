import { AsyncLocalStorage } from 'node:async_hooks';

/** One HTTP attempt a client is about to send. `attempt` is 0 for the first try, then 1, 2, ... for retries. */
export interface SentRequest {
  method: string;
  url: URL;
  attempt: number;
}

/** Told of each attempt before it is sent; it may throw to refuse the request (the error reaches the caller). */
export type RequestWatcher = (request: SentRequest) => void;

const watchers = new AsyncLocalStorage<readonly RequestWatcher[]>();

/**
 * Runs `work` with `watcher` told of every request made inside it (by any client, in any source), besides the
 * watchers of the code around it: the engine counts a run's requests and checks a resource's paging progress
 * this way without each source threading a callback through its constructors.
 */
export function watchRequests<T>(watcher: RequestWatcher, work: () => Promise<T>): Promise<T> {
  return watchers.run([...(watchers.getStore() ?? []), watcher], work);
}

/** Called by the HTTP client before each attempt; a no-op outside any watch. */
export function reportRequest(request: SentRequest): void {
  for (const watcher of watchers.getStore() ?? []) watcher(request);
}
