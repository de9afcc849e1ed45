/**
 * Local Cliniko API simulator (plain node:http), for tests, the demo and the benchmark.
 *
 * Contract (resources.ts, its own copy of the docs): a filter on a column the list does not document is a 400
 * `{"message":"This column is not searchable."}`, an undocumented path a 404; only lists documenting
 * archived_at / cancelled_at have archived / cancelled rows (hidden unless a filter names the column).
 * Choices where the docs leave room: `per_page` outside 1..100 is clamped (non-numeric is a 400);
 * a missing `Accept: application/json` is a 406; checks run in
 * the order auth (401), User-Agent (403), Accept (406), rate limit (429), drop, 5xx; `mutateWhilePaging`
 * counts list requests across all resources and changes the resource being listed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RowWorld } from './data.js';
import { toJsonText } from './json-body.js';
import type { ActiveVariant } from './list-handler.js';
import { listBody, rowObject } from './list-handler.js';
import { Prng } from './prng.js';
import { parseListQuery, SimulatorHttpError } from './query.js';
import { SlidingWindowLimiter } from './rate-limiter.js';
import { documentedList, isArchivable, isCancellable, LIST_RESOURCES } from './resources.js';
import { settingsObject } from './settings.js';
import { ResourceStore } from './store.js';

export interface ClinikoSimulatorOptions {
  /** Port on 127.0.0.1; default 0 (ephemeral). */
  port?: number;
  /** Basic auth username (empty password). Default 'sim-key-au1'. */
  apiKey?: string;
  /** Rows generated per resource (number, or per-resource map with 25 for unlisted ones). Default 25. */
  rowsPerResource?: number | Record<string, number>;
  /** Seed of all generated data and fault decisions. Default 1. */
  seed?: number;
  /** Sliding 60 s window per API key. Default 200; 0 or Infinity turns limiting off. */
  requestsPerMinute?: number;
  /** Length of the rate-limit window; default 60 000 (tests shorten it to keep 429 waits short). */
  rateLimitWindowMs?: number;
  /** Delay added before every answer. */
  latencyMs?: number;
  /** Fraction of (authorised, not rate-limited) requests answered 500/502/503. */
  errorRate?: number;
  /** Fraction of (authorised, not rate-limited) requests whose socket is destroyed without an answer. */
  dropRate?: number;
  /** Every Nth list request (any resource) changes a row of the resource it asks for before answering. */
  mutateWhilePaging?: {
    deleteEveryNthRequest?: number;
    editEveryNthRequest?: number;
    insertEveryNthRequest?: number;
  };
  /** Every Nth list request answers without `links.next`, even when more rows follow. Default off. */
  omitNextLinkEveryNthList?: number;
  /** Every Nth list request answers an empty list with the true `total_entries`. Default off. */
  emptyPageEveryNthList?: number;
  /** Length of every free-text note (long treatment notes make pages of MBs). Default: short notes. */
  noteChars?: number;
  /** Keep rendered rows (memory ~ their text) so serving a page again costs little; for benches. */
  cacheRowText?: boolean;
  /**
   * Row ids as JSON strings (`"id":"1"`), as Cliniko's current OpenAPI description gives them, instead of the
   * seeds' bare numbers. setFaults can switch it between runs (the same rows, spelled the other way).
   */
  stringIds?: boolean;
}

export type ClinikoFaults = Partial<
  Pick<
    ClinikoSimulatorOptions,
    | 'latencyMs'
    | 'errorRate'
    | 'dropRate'
    | 'requestsPerMinute'
    | 'mutateWhilePaging'
    | 'omitNextLinkEveryNthList'
    | 'emptyPageEveryNthList'
    | 'stringIds'
  >
>;

export interface ClinikoSimulatorStats {
  requests: number;
  rateLimited: number;
  errors: number;
  drops: number;
  maxInFlight: number;
}

export interface ClinikoSimulator {
  /** Base URL clients use, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  apiKey: string;
  stop(): Promise<void>;
  stats(): ClinikoSimulatorStats;
  setFaults(f: ClinikoFaults): void;
  /**
   * Ids existing now. Without includeArchived, only rows a default list shows (not archived, not cancelled).
   * `practitioners` means active and inactive together.
   */
  liveIds(resource: string, opts?: { includeArchived?: boolean }): string[];
  /** Ids of generated rows never deleted (inserted rows excluded). Archived/cancelled rows are included. */
  everPresentIds(resource: string): string[];
  deletedIds(resource: string): string[];
  touch(resource: string, id: string): void;
  remove(resource: string, id: string): void;
  archive(resource: string, id: string): void;
}

const DEFAULT_ROWS = 25;
const USER_AGENT = /^.+\s\([^\s()@]+@[^\s()@]+\.[^\s()@]+\)$/;

function json(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function errorBody(message: string): string {
  return toJsonText({ message });
}

export async function startClinikoSimulator(opts: ClinikoSimulatorOptions = {}): Promise<ClinikoSimulator> {
  const apiKey = opts.apiKey ?? 'sim-key-au1';
  const seed = opts.seed ?? 1;
  let stringIds = opts.stringIds ?? false;
  const faults: Required<Omit<ClinikoFaults, 'requestsPerMinute' | 'stringIds'>> = {
    latencyMs: opts.latencyMs ?? 0,
    errorRate: opts.errorRate ?? 0,
    dropRate: opts.dropRate ?? 0,
    mutateWhilePaging: opts.mutateWhilePaging ?? {},
    omitNextLinkEveryNthList: opts.omitNextLinkEveryNthList ?? 0,
    emptyPageEveryNthList: opts.emptyPageEveryNthList ?? 0,
  };
  const limiter = new SlidingWindowLimiter(opts.requestsPerMinute ?? 200, opts.rateLimitWindowMs);
  const faultPrng = new Prng(seed ^ 0x5eed);
  const mutationPrng = new Prng(seed ^ 0xc0ffee);
  const stats: ClinikoSimulatorStats = { requests: 0, rateLimited: 0, errors: 0, drops: 0, maxInFlight: 0 };
  let inFlight = 0;
  let listRequests = 0;

  const rowsFor = (name: string): number => {
    const rows = opts.rowsPerResource;
    if (typeof rows === 'number') return rows;
    return rows?.[name] ?? DEFAULT_ROWS;
  };
  const stores = new Map<string, ResourceStore>();
  LIST_RESOURCES.forEach((name, ordinal) => {
    const store = new ResourceStore(
      name,
      ordinal,
      rowsFor(name),
      seed,
      isCancellable(name),
      isArchivable(name),
    );
    stores.set(name, store);
  });
  const storeOf = (name: string): ResourceStore => {
    const store = stores.get(name.replace(/\/(inactive|active)$/, ''));
    if (!store) throw new Error(`unknown Cliniko resource '${name}'`);
    return store;
  };
  const worldFor = (baseUrl: string): RowWorld => ({
    seed,
    baseUrl,
    rowCount: (name) => storeOf(name).rows,
    baseIdOf: (name, i) => storeOf(name).baseId(i),
    noteChars: opts.noteChars,
    cacheRowText: opts.cacheRowText,
    stringIds,
  });
  const nowS = () => Math.floor(Date.now() / 1000);
  const indexOrThrow = (store: ResourceStore, id: string): number => {
    const i = /^\d+$/.test(id) ? store.indexOf(BigInt(id)) : -1;
    if (i < 0 || store.meta(i).deleted) throw new Error(`no live ${store.name} row with id ${id}`);
    return i;
  };

  /** A random live row of the store, or -1 if none is left. */
  const randomLive = (store: ResourceStore): number => {
    if (store.size === 0) return -1;
    const start = mutationPrng.int(store.size);
    for (let k = 0; k < store.size; k++) {
      const i = (start + k) % store.size;
      if (!store.meta(i).deleted) return i;
    }
    return -1;
  };

  const mutate = (store: ResourceStore): void => {
    const every = faults.mutateWhilePaging;
    const due = (n: number | undefined) => n !== undefined && n > 0 && listRequests % n === 0;
    if (due(every.deleteEveryNthRequest)) {
      const i = randomLive(store);
      if (i >= 0) store.remove(i);
    }
    if (due(every.editEveryNthRequest)) {
      const i = randomLive(store);
      if (i >= 0) store.touch(i, nowS());
    }
    if (due(every.insertEveryNthRequest)) store.insert(nowS(), mutationPrng.int(1_000_000));
  };

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const host = req.headers.host ?? '127.0.0.1';
    const url = new URL(req.url ?? '/', `http://${host}`);
    const baseUrl = `http://${host}/v1`;
    if (req.method !== 'GET') throw new SimulatorHttpError(405, 'Only GET is simulated');
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/v1/settings') {
      json(res, 200, toJsonText(settingsObject(baseUrl)));
      return;
    }
    const m = /^\/v1\/([a-z_]+)(?:\/([a-z0-9_]+))?$/.exec(path);
    const name = m?.[1];
    const documented = name === undefined ? undefined : documentedList(name);
    // An undocumented path is a 404, as Cliniko answers it.
    if (!m || !name || !documented) throw new SimulatorHttpError(404, 'Not found');
    const store = storeOf(name);
    const sub = m[2];
    if (sub !== undefined && /^\d+$/.test(sub)) {
      if (!documented.single) throw new SimulatorHttpError(404, 'Not found');
      const i = store.indexOf(BigInt(sub));
      if (i < 0 || store.meta(i).deleted) throw new SimulatorHttpError(404, 'Not found');
      json(res, 200, toJsonText(rowObject(worldFor(baseUrl), store, i)));
      return;
    }
    let variant: ActiveVariant;
    if (name === 'practitioners') variant = sub === 'inactive' ? 'inactive' : 'active';
    if (sub !== undefined && !(name === 'practitioners' && sub === 'inactive')) {
      throw new SimulatorHttpError(404, 'Not found');
    }
    const query = parseListQuery(url.searchParams, documented);
    listRequests += 1;
    mutate(store);
    const nth = (every: number) => every > 0 && listRequests % every === 0;
    const lies = { omitNext: nth(faults.omitNextLinkEveryNthList), empty: nth(faults.emptyPageEveryNthList) };
    json(res, 200, listBody(worldFor(baseUrl), store, name, query, variant, url, lies));
  };

  const expectedAuth = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests += 1;
    inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    res.on('close', () => {
      inFlight -= 1;
    });
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    try {
      if (req.headers.authorization !== expectedAuth) {
        throw new SimulatorHttpError(401, 'Unauthorized: send the API key as the Basic auth username', {
          'WWW-Authenticate': 'Basic realm="Cliniko API"',
        });
      }
      if (!USER_AGENT.test(req.headers['user-agent'] ?? '')) {
        throw new SimulatorHttpError(
          403,
          'Forbidden: User-Agent must be "APP_VENDOR_NAME (APP_VENDOR_EMAIL)"',
        );
      }
      if (!(req.headers.accept ?? '').includes('application/json')) {
        throw new SimulatorHttpError(406, 'Not acceptable: send Accept: application/json');
      }
      const resetAt = limiter.take(apiKey, Date.now());
      if (resetAt !== undefined) {
        stats.rateLimited += 1;
        throw new SimulatorHttpError(429, 'Too many requests', { 'X-RateLimit-Reset': String(resetAt) });
      }
      if (faults.dropRate > 0 && faultPrng.next() < faults.dropRate) {
        stats.drops += 1;
        req.socket.destroy();
        return;
      }
      if (faults.errorRate > 0 && faultPrng.next() < faults.errorRate) {
        const status = [500, 502, 503][faultPrng.int(3)] as number;
        stats.errors += 1;
        throw new SimulatorHttpError(status, 'Simulated server error');
      }
      route(req, res);
    } catch (error) {
      if (error instanceof SimulatorHttpError)
        json(res, error.status, errorBody(error.message), error.headers);
      else {
        stats.errors += 1;
        if (process.env.SIM_DEBUG) console.error(error);
        json(res, 500, errorBody('Internal simulator error'));
      }
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    stats: () => ({ ...stats }),
    setFaults: (f) => {
      if (f.latencyMs !== undefined) faults.latencyMs = f.latencyMs;
      if (f.errorRate !== undefined) faults.errorRate = f.errorRate;
      if (f.dropRate !== undefined) faults.dropRate = f.dropRate;
      if (f.mutateWhilePaging !== undefined) faults.mutateWhilePaging = f.mutateWhilePaging;
      if (f.omitNextLinkEveryNthList !== undefined)
        faults.omitNextLinkEveryNthList = f.omitNextLinkEveryNthList;
      if (f.emptyPageEveryNthList !== undefined) faults.emptyPageEveryNthList = f.emptyPageEveryNthList;
      if (f.requestsPerMinute !== undefined) limiter.limitPerMinute = f.requestsPerMinute;
      if (f.stringIds !== undefined) stringIds = f.stringIds;
    },
    liveIds: (resource, o) => {
      const store = storeOf(resource);
      const all = o?.includeArchived === true;
      const wantActive = resource.endsWith('/inactive')
        ? false
        : resource.endsWith('/active')
          ? true
          : undefined;
      return store.ids(
        (m) =>
          (all || (m.archivedS === null && m.cancelledS === null)) &&
          (wantActive === undefined || m.active === wantActive),
      );
    },
    everPresentIds: (resource) => {
      const store = storeOf(resource);
      return store.ids((_m, i) => i < store.rows);
    },
    deletedIds: (resource) => storeOf(resource).deletedIds(),
    touch: (resource, id) => {
      const store = storeOf(resource);
      store.touch(indexOrThrow(store, id), nowS());
    },
    remove: (resource, id) => {
      const store = storeOf(resource);
      store.remove(indexOrThrow(store, id));
    },
    archive: (resource, id) => {
      const store = storeOf(resource);
      store.archive(indexOrThrow(store, id), nowS());
    },
  };
}
