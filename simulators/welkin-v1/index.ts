import type { AddressInfo } from 'node:net';
import { prng } from '../welkin/random.js';
import { isoMicros, SimDataset } from './dataset.js';
import type { FindSettings } from './find.js';
import { SIM_MODELS } from './models.js';
import type { UpdateNotice } from './notify.js';
import { createSimServer, type SimContext, type SimFaults } from './server.js';
import { SimTokens } from './tokens.js';

export type { UpdateNotice } from './notify.js';
export { notificationJwt, sendUpdateNotification } from './notify.js';
export { type RealtimeChange, realtimeNotification, SnsStandIn } from './sns.js';

/**
 * Local stand-in for Welkin's v1 API (api.welkinhealth.com), built from the final public reference
 * (welkinhealth/slate `source/data_api.html.md`):
 *   POST /v1/token        form or JSON grant_type=jwt-bearer + assertion (HS256, client secret) -> access_token
 *   GET  /v1/{path}       Find: page[from]/page[to] on updated_at (with or without offset), page[size];
 *                         `{data, links}` with the reference's links (offset-less page[from] in next links)
 *   GET  /v1/{path}/{id}  Get: `{data}`, 404 once deleted
 * Paths the final reference no longer has (careplans, messages, patient_tasks) answer 404. With ties (groups
 * of rows sharing one updated_at), the draft's wrapped answer, next links in each documented place or none, a
 * server comparing page[from] per millisecond, expiring tokens and injectable faults. Both notification
 * kinds are sent by notify.ts (legacy windows) and sns.ts (realtime, through a stand-in for SNS).
 */
export interface WelkinV1SimulatorOptions {
  clientId?: string;
  clientSecret?: string;
  /** Rows per resource (default 25), or by Find path. */
  rowsPerResource?: number | Record<string, number>;
  seed?: number;
  /** Generated rows come in groups of this many sharing one updated_at (default 3). */
  tieSize?: number;
  answerShape?: FindSettings['answerShape'];
  nextLinks?: FindSettings['nextLinks'];
  maxPageSize?: number;
  exclusiveFrom?: boolean;
  fromPrecision?: FindSettings['fromPrecision'];
  tokenLifetimeSeconds?: number;
  latencyMs?: number;
  errorRate?: number;
  dropRate?: number;
}

export interface WelkinV1Simulator {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
  stats(): SimContext['counters'] & { tokenRequests: number; tokenRejections: number };
  setFaults(faults: Partial<SimFaults>): void;
  setFind(settings: Partial<Omit<FindSettings, 'baseUrl'>>): void;
  /** Every access token issued so far is refused from now on. */
  revokeAllTokens(): void;
  /** Ids of the rows served now, in Find order. */
  ids(path: string): string[];
  record(path: string, id: string): Record<string, unknown> | undefined;
  /** Delete a row: Find no longer serves it and its Get answers 404. */
  remove(path: string, id: string): void;
  /** Edit a row now: updated_at = now, so it moves to the end of the Find order. */
  touch(path: string, id: string): string;
  insert(path: string): string;
  /** Give rows updated_at = now + i × stepMicros, in the order given (rows microseconds apart). */
  spread(path: string, ids: readonly string[], stepMicros: bigint): void;
  /** Give `count` rows one shared updated_at (now): a tie group. Returns their ids. */
  tie(path: string, count: number): string[];
  /** Tokens of the SNS subscriptions confirmed (GET of a SubscribeURL, through SnsStandIn). */
  snsConfirmations(): string[];
  /** The record's GET URL (`{base}/v1/{path}/{id}`), as a realtime notification's href. */
  recordUrl(path: string, id: string): string;
  /** A legacy update notification entry for a window, times written as the reference does (no offset). */
  notice(path: string, fromIso: string, toIso: string): UpdateNotice;
}

const nowMicros = () => BigInt(Date.now()) * 1000n;

/** An ISO time as the reference's notices write it: UTC, microseconds, no offset (`2018-05-14T23:34:05.647496`). */
function offsetlessIso(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`not an ISO time: ${iso}`);
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? '';
  return `${new Date(ms).toISOString().slice(0, 19)}.${fraction.padEnd(6, '0').slice(0, 6)}`;
}

export async function startWelkinV1Simulator(
  opts: WelkinV1SimulatorOptions = {},
): Promise<WelkinV1Simulator> {
  const identity = {
    clientId: opts.clientId ?? 'sim-v1-client',
    clientSecret: opts.clientSecret ?? 'sim-v1-secret',
  };
  let baseUrl = '';
  const find: FindSettings = {
    baseUrl: '',
    answerShape: opts.answerShape ?? 'bare',
    nextLinks: opts.nextLinks ?? 'reference',
    maxPageSize: opts.maxPageSize ?? 500,
    exclusiveFrom: opts.exclusiveFrom ?? false,
    fromPrecision: opts.fromPrecision ?? 'micro',
  };
  const rows = (path: string) =>
    typeof opts.rowsPerResource === 'number' ? opts.rowsPerResource : (opts.rowsPerResource?.[path] ?? 25);
  // Generated history ends a day ago, so rows touched now sort after all of it.
  const start = nowMicros() - 86_400_000_000n * 30n;
  const datasets = new Map(
    SIM_MODELS.map((model, index) => [
      model.path,
      new SimDataset(model, (opts.seed ?? 1) * 101 + index, rows(model.path), opts.tieSize ?? 3, start),
    ]),
  );
  const ctx: SimContext = {
    datasets,
    tokens: new SimTokens(identity, () => `${baseUrl}/v1/token`),
    faults: {
      latencyMs: opts.latencyMs ?? 0,
      errorRate: opts.errorRate ?? 0,
      dropRate: opts.dropRate ?? 0,
      tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600,
    },
    find,
    random: prng(opts.seed ?? 1),
    counters: { requests: 0, findRequests: 0, getRequests: 0, errors: 0, drops: 0 },
    snsConfirmations: [],
  };
  const server = createSimServer(ctx);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  find.baseUrl = baseUrl;
  const set = (path: string) => {
    const found = datasets.get(path);
    if (!found) throw new Error(`no Welkin v1 simulator resource ${path}`);
    return found;
  };
  let lastMicros = 0n;
  const stamp = () => {
    lastMicros = nowMicros() > lastMicros ? nowMicros() : lastMicros + 1n;
    return lastMicros;
  };
  return {
    baseUrl,
    ...identity,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    stats: () => ({
      ...ctx.counters,
      tokenRequests: ctx.tokens.requests,
      tokenRejections: ctx.tokens.rejections,
    }),
    setFaults: (faults) => Object.assign(ctx.faults, faults),
    setFind: (settings) => Object.assign(find, settings),
    revokeAllTokens: () => ctx.tokens.revokeAll(),
    ids: (path) => set(path).rows.map((row) => row.id),
    record: (path, id) => {
      const row = set(path).find(id);
      return row ? set(path).record(row) : undefined;
    },
    remove: (path, id) => {
      const data = set(path);
      data.rows = data.rows.filter((row) => row.id !== id);
    },
    touch: (path, id) => {
      const data = set(path);
      const row = data.find(id);
      if (!row) throw new Error(`no row ${id}`);
      row.micros = stamp();
      row.revision++;
      data.sort();
      return isoMicros(row.micros);
    },
    insert: (path) => {
      const data = set(path);
      const micros = stamp();
      const id = data.newId();
      data.rows.push({ id, micros, createdMicros: micros, revision: 0 });
      data.sort();
      return id;
    },
    spread: (path, ids, stepMicros) => {
      const data = set(path);
      const base = stamp();
      ids.forEach((id, index) => {
        const row = data.find(id);
        if (!row) throw new Error(`no row ${id}`);
        row.micros = base + BigInt(index) * stepMicros;
        row.revision++;
      });
      lastMicros = base + BigInt(ids.length) * stepMicros;
      data.sort();
    },
    tie: (path, count) => {
      const data = set(path);
      const micros = stamp();
      const chosen = data.rows.slice(0, count);
      for (const row of chosen) {
        row.micros = micros;
        row.revision++;
      }
      data.sort();
      return chosen.map((row) => row.id);
    },
    snsConfirmations: () => [...ctx.snsConfirmations],
    recordUrl: (path, id) => `${baseUrl}/v1/${path}/${id}`,
    notice: (path, fromIso, toIso) => {
      const [from, to] = [offsetlessIso(fromIso), offsetlessIso(toIso)];
      const params = new URLSearchParams({ 'page[to]': to, 'page[from]': from });
      return { resource: path, from, to, href: `${baseUrl}/v1/${path}?${params}` };
    },
  };
}
