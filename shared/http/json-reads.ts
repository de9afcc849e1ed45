import { MalformedResponseError } from '../errors.js';
import { isRecord, parseLossless } from '../json/lossless.js';
import { type ScannedPage, scanObject, scanPage } from '../json/page-scanner.js';
import { redactUrl } from '../redact.js';
import type { JsonHttpClient } from './json-http-client.js';

/** A list page: its records kept as the text sent and its parsed envelope, with where it came from. */
export interface ListPage extends ScannedPage {
  /** `<service> <redacted URL>`, for error messages. */
  where: string;
}

/**
 * The GETs every source's client makes, once: each names the service and the redacted URL in its errors.
 * `pathOrUrl` is a path under the client's base URL or a same-origin absolute URL.
 */
export class JsonReads {
  constructor(
    private readonly http: JsonHttpClient,
    private readonly service: string,
  ) {}

  where(pathOrUrl: string): string {
    return `${this.service} ${redactUrl(this.http.resolve(pathOrUrl))}`;
  }

  /** A JSON object, parsed losslessly (for envelopes and small answers; records stay text via `page`). */
  async object(pathOrUrl: string): Promise<{ body: Record<string, unknown>; where: string }> {
    const { text } = await this.http.request('GET', pathOrUrl);
    const where = this.where(pathOrUrl);
    const body = parseLossless(text, where);
    if (!isRecord(body)) throw new MalformedResponseError(`${where}: expected a JSON object`);
    return { body, where };
  }

  /** A list page whose records are under `list`, reading only `fields` of each. */
  async page(pathOrUrl: string, list: string, fields: readonly string[]): Promise<ListPage> {
    const { text } = await this.http.request('GET', pathOrUrl);
    const where = this.where(pathOrUrl);
    return { ...scanPage(text, where, list, fields), where };
  }

  /** An object endpoint as one NDJSON line of the text sent. */
  async objectText(pathOrUrl: string): Promise<string> {
    const { text } = await this.http.request('GET', pathOrUrl);
    return scanObject(text, this.where(pathOrUrl));
  }
}
