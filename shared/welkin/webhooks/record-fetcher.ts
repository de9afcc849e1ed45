/**
 * A record as the API returned it (its JSON text as one NDJSON line, never re-serialised), or a 404/410 with
 * the Welkin error codes it carried. Whether that means "gone" depends on the route (welkin-not-found.ts).
 */
export type FetchResult =
  | { found: true; json: string }
  | { found: false; status: number; codes: readonly string[] };

/**
 * Fetches one record by its absolute URL. A 404/410 is an answer, not an error; anything else that goes
 * wrong throws, so the queue retries and eventually dead-letters the notice. `entity` names the record in
 * messages instead of the URL, whose path holds ids.
 */
export interface RecordFetcher {
  fetch(url: URL, entity: string): Promise<FetchResult>;
}
