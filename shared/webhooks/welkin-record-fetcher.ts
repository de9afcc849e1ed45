import { HttpError } from '../errors.js';
import { parseLossless } from '../json/lossless.js';
import { redactUrl } from '../redact.js';
import type { WelkinClient } from '../welkin/client.js';
import type { WelkinApiLocation } from './pull-target.js';
import type { FetchResult, RecordFetcher } from './record-fetcher.js';

/**
 * Single-record GETs through the shared Welkin client: its token store, retries, origin pinning and
 * redaction apply. 404 and 410 mean the record is gone (the caller writes a deletion marker).
 */
export class WelkinRecordFetcher implements RecordFetcher {
  constructor(private readonly client: WelkinClient) {}

  get api(): WelkinApiLocation {
    const { baseUrl, tenant, instance } = this.client.config;
    return { baseUrl, tenant, instance };
  }

  async fetch(url: URL): Promise<FetchResult> {
    try {
      const { text } = await this.client.http.request('GET', url.toString());
      return { found: true, value: parseLossless(text, `Welkin ${redactUrl(url)}`) };
    } catch (error) {
      if (error instanceof HttpError && (error.status === 404 || error.status === 410))
        return { found: false };
      throw error;
    }
  }
}
