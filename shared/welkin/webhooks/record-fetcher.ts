/**
 * A record as the API returned it (its JSON text as one NDJSON line, never re-serialised), or the API saying
 * it does not exist.
 */
export type FetchResult = { found: true; json: string } | { found: false };

/**
 * Fetches one record by its absolute URL. "Does not exist", said unambiguously by the API, is an answer,
 * not an error; anything else that goes wrong throws, so the queue retries and eventually dead-letters the
 * notice. `entity` names the record in messages instead of the URL, whose path holds ids.
 */
export interface RecordFetcher {
  fetch(url: URL, entity: string): Promise<FetchResult>;
}
