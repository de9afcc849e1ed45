import { scanValue } from '../../json/page-scanner.js';
import type { WelkinClient } from '../client.js';
import type { WelkinApiLocation } from './pull-target.js';
import type { FetchResult, RecordFetcher } from './record-fetcher.js';
import { isRecordNotFound } from './welkin-not-found.js';

/**
 * Single-record GETs through the shared Welkin client: its token store, retries, origin pinning and
 * redaction apply. Only a 404/410 whose error code says the record is missing means "gone" (the caller
 * writes a deletion marker); any other failure throws, so SQS retries the notice and then dead-letters it
 * rather than marking a live record deleted.
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
      if (isRecordNotFound(error)) return { found: false };
      throw error;
    }
    // Named by entity, not URL: the path holds patient and record ids, and this message reaches the logs.
    const where = `Welkin ${entity.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)} record`;
    return { found: true, json: scanValue(text, where) };
  }
}
