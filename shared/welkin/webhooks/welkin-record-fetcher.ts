import { HttpError } from '../../errors.js';
import { scanValue } from '../../json/page-scanner.js';
import type { WelkinClient } from '../client.js';
import type { WelkinApiLocation } from './pull-target.js';
import type { FetchResult, RecordFetcher } from './record-fetcher.js';

/**
 * Single-record GETs through the shared Welkin client: its token store, pace, retries, origin pinning and
 * redaction apply. A 404/410 comes back with its error codes for the caller to judge (only the record's own
 * documented route saying it is missing means "gone"); any other failure throws, so SQS retries the notice
 * and then dead-letters it.
 */
export class WelkinRecordFetcher implements RecordFetcher {
  constructor(private readonly client: WelkinClient) {}

  get api(): WelkinApiLocation {
    const { baseUrl, tenant, instance } = this.client.config;
    return { baseUrl, tenant, instance };
  }

  async fetch(url: URL, entity: string): Promise<FetchResult> {
    let text: string;
    try {
      ({ text } = await this.client.http.request('GET', url.toString()));
    } catch (error) {
      if (error instanceof HttpError && (error.status === 404 || error.status === 410)) {
        return { found: false, status: error.status, codes: error.codes };
      }
      throw error;
    }
    // Named by entity, not URL: the path holds patient and record ids, and this message reaches the logs.
    const where = `Welkin ${entity.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)} record`;
    return { found: true, json: scanValue(text, where) };
  }
}
