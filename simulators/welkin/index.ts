import type { AddressInfo } from 'node:net';
import { toApiObject, toJsonText } from './json-text.js';
import type { ResourceName } from './records.js';
import { createSimServer } from './server.js';
import { type MutateWhilePaging, SimState, type SimStats, type WelkinFaults } from './state.js';
import type { TokenRequestLimit } from './token-limiter.js';

export { EXPORT_RESOURCES } from './records.js';
export { EXPORT_DEFAULT_PAGE_SIZE, EXPORT_MAX_PAGE_SIZE } from './routes.js';
export type { MutateWhilePaging, SimStats, WelkinFaults } from './state.js';
export { MAX_TIE_GROUP } from './timeline.js';

/**
 * Local stand-in for the Welkin V8 API (token, Export API, list and single-record endpoints) with
 * injectable faults. Routes below `{baseUrl}/{tenant}`:
 *   POST admin/api_clients/{clientName}            token (faults other than latency do not apply here)
 *   GET  admin/users                                metaInfo page, `page` and `size` (policy USERS)
 *   GET  {instance}/export/{RESOURCE}               Export API (policy EXPORT); see routes.ts for cursor rules
 *   GET  {instance}/patients[/{id}]                 Spring page / record (PATIENTS)
 *   GET  {instance}/calendar/events[/{id}]          Spring page / record (CALENDAR)
 *   GET  {instance}/patients/{pid}/[full-]encounters/{id}      record (ENCOUNTERS)
 *   GET  {instance}/formations/current/programs     bare array of program definitions, keyed by name (PROGRAMS)
 *   GET  {instance}/patients/{pid}/assessment-records/{id}     record (ASSESSMENTS)
 *   GET  {instance}/patients/{pid}/cdts/{cdtName}/{id}         record (CDTS)
 * Only routes documented or recorded from the real API; anything else is a 404 NOT_FOUND, as Welkin answers.
 */
export interface WelkinSimulatorOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  tenant?: string;
  instance?: string;
  clientName?: string;
  secret?: string;
  /** Lifetime of issued tokens (default 3600, like the real API). */
  tokenLifetimeSeconds?: number;
  /** Default: 100 token requests per 300 s, then blocked for 300 s. */
  tokenRequestLimit?: TokenRequestLimit;
  /**
   * Rows per data set (default 25): one number for every export resource, or a map by name that may also size
   * USER (admin users, default 25) and PROGRAM (program definitions, default 5).
   */
  rowsPerResource?: number | Record<string, number>;
  /** Data seed: same seed, same ids and bodies. */
  seed?: number;
  latencyMs?: number;
  errorRate?: number;
  dropRate?: number;
  /** WEL-5121: the 2nd export request per resource answers hasNext=false while more records exist. */
  hasNextBug?: boolean;
  /** Serves at most this many rows per export page (and reports that as cursor.pageSize); default off. */
  exportPageCap?: number;
  /** Every export page claims hasNext=false; default off. */
  hasNextAlwaysFalse?: boolean;
  /** Security policies the API client lacks: EXPORT, PATIENTS, CALENDAR, ENCOUNTERS, USERS, PROGRAMS, ASSESSMENTS, CDTS. */
  missingPolicies?: string[];
  /** Counted over export requests; the mutation hits the resource being exported. */
  mutateWhilePaging?: MutateWhilePaging;
}

export interface WelkinSimulator {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  tenant: string;
  instance: string;
  clientName: string;
  secret: string;
  stop(): Promise<void>;
  stats(): SimStats;
  setFaults(faults: Partial<WelkinFaults>): void;
  /** Every token issued so far is answered with TOKEN_EXPIRED from now on. */
  expireAllTokens(): void;
  liveIds(resource: string): string[];
  /** Ids of every row that existed at some point (generated, inserted; deleted ones included). */
  everPresentIds(resource: string): string[];
  /** The record as the API serves it (big integers as bigint); entity may be an export or webhook name. */
  getRecord(entity: string, id: string): object | undefined;
  /** The record's JSON text exactly as the API serves it. */
  getRecordText(entity: string, id: string): string | undefined;
  /** Edit a record now: new revision, updatedAt = now (it moves to the end of the export order). */
  touch(resource: string, id: string): void;
  remove(resource: string, id: string): void;
  /** Create a record now; returns its id. */
  insert(resource: string): string;
}

/** Webhook entity names (PATIENT, CDT, CALENDAR, ASSESSMENT) mapped to their data sets. */
const ENTITY_ALIASES: Record<string, ResourceName> = {
  CDT: 'CDT_RECORD',
  CALENDAR: 'CALENDAR_EVENT',
  CALENDAR_EVENT: 'CALENDAR_EVENT',
  ASSESSMENT_RECORD: 'ASSESSMENT',
};

const DEFAULT_ROWS = 25;
const DEFAULT_EXTRA_ROWS: Partial<Record<ResourceName, number>> = { USER: 25, PROGRAM: 5 };

export async function startWelkinSimulator(opts: WelkinSimulatorOptions = {}): Promise<WelkinSimulator> {
  const identity = {
    tenant: opts.tenant ?? 'sim-tenant',
    instance: opts.instance ?? 'sim-instance',
    clientName: opts.clientName ?? 'sim-client',
    secret: opts.secret ?? 'sim-secret',
  };
  const faults: WelkinFaults = {
    latencyMs: opts.latencyMs ?? 0,
    errorRate: opts.errorRate ?? 0,
    dropRate: opts.dropRate ?? 0,
    hasNextBug: opts.hasNextBug ?? false,
    exportPageCap: opts.exportPageCap ?? 0,
    hasNextAlwaysFalse: opts.hasNextAlwaysFalse ?? false,
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600,
    missingPolicies: opts.missingPolicies ?? [],
    mutateWhilePaging: opts.mutateWhilePaging ?? {},
  };
  const rowsOption = opts.rowsPerResource ?? DEFAULT_ROWS;
  // A single number sizes the export resources; admin users and program definitions stay small unless named.
  const rows = (resource: ResourceName) => {
    if (typeof rowsOption !== 'number')
      return rowsOption[resource] ?? DEFAULT_EXTRA_ROWS[resource] ?? DEFAULT_ROWS;
    return DEFAULT_EXTRA_ROWS[resource] ?? rowsOption;
  };
  const state = new SimState(
    identity,
    faults,
    opts.tokenRequestLimit ?? { max: 100, windowSeconds: 300, blockSeconds: 300 },
    rows,
    opts.seed ?? 1,
  );

  const server = createSimServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const dataset = (name: string) => {
    const set = state.dataset(ENTITY_ALIASES[name] ?? name);
    if (!set) throw new Error(`Unknown Welkin simulator resource ${name}`);
    return set;
  };
  const liveIndex = (name: string, id: string) => {
    const set = dataset(name);
    const index = set.indexOf(id);
    return index !== undefined && set.isLive(index) ? { set, index } : undefined;
  };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    ...identity,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    stats: () => state.stats(),
    setFaults: (next) => {
      if (next.hasNextBug !== undefined) state.bugRequestCounts.clear();
      Object.assign(faults, next);
    },
    expireAllTokens: () => state.expireAllTokens(),
    liveIds: (name) => {
      const set = dataset(name);
      return set.liveSlice(0, set.liveCount).map((index) => set.idOf(index));
    },
    everPresentIds: (name) => {
      const set = dataset(name);
      return Array.from({ length: set.totalEverPresent }, (_, index) => set.idOf(index));
    },
    getRecord: (name, id) => {
      const found = liveIndex(name, id);
      return found ? (toApiObject(found.set.record(found.index)) as object) : undefined;
    },
    getRecordText: (name, id) => {
      const found = liveIndex(name, id);
      return found ? toJsonText(found.set.record(found.index)) : undefined;
    },
    touch: (name, id) => {
      const found = liveIndex(name, id);
      if (found) found.set.touch(found.index);
    },
    remove: (name, id) => {
      const found = liveIndex(name, id);
      if (found) found.set.remove(found.index);
    },
    insert: (name) => {
      const set = dataset(name);
      return set.idOf(set.insert());
    },
  };
}
