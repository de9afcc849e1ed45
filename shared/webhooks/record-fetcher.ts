/** A record as the API returned it (parsed losslessly), or the API saying it does not exist. */
export type FetchResult = { found: true; value: unknown } | { found: false };

/**
 * Fetches one record by its absolute URL. Not-found (404) is an answer, not an error; anything else that
 * goes wrong throws, so the queue retries and eventually dead-letters the notice.
 */
export interface RecordFetcher {
  fetch(url: URL): Promise<FetchResult>;
}
