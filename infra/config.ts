import type { Node } from 'constructs';
import { ConfigError } from '../shared/errors.js';
import { DEFAULT_OUTPUT_PREFIX } from '../shared/layout/index.js';
import type { SourceDeployment } from '../shared/sources/deployment.js';

/** When one account (or the whole source) runs: nightly incrementals and, on their own schedule, full runs. */
export interface ScheduleConfig {
  /** Cliniko account name; undefined for sources without accounts. */
  readonly account?: string;
  readonly incremental: string;
  readonly full: string;
  readonly timezone: string;
}

export interface SourceConfig {
  readonly enabled: boolean;
  /** One entry per account (Cliniko), or a single one without an account. */
  readonly schedules: readonly ScheduleConfig[];
  readonly mapConcurrency: number;
  readonly webhook: boolean;
  readonly requestsPerMinute?: number;
  /** The source's deploy settings (`SourceDeployment.settings`), e.g. Welkin's tenant and instance. */
  readonly settings: Readonly<Record<string, string | undefined>>;
}

export interface PipelineConfig {
  readonly outputPrefix: string;
  readonly sources: ReadonlyMap<string, SourceConfig>;
  /** Days a finished run stays in the bucket; undefined keeps runs forever. Current state always stays. */
  readonly retentionDays: number | undefined;
  readonly noncurrentVersionDays: number;
  readonly logRetentionDays: number;
  /** Upper bound of Lambda invocations per resource per execution (guards a never-finishing loop). */
  readonly maxLoopIterations: number;
  /**
   * Reserve concurrency per function. Off by default: new accounts have a quota of 10 concurrent executions
   * and Lambda keeps 10 unreserved, so any reservation fails there. Turn on once the quota is raised.
   */
  readonly reservedConcurrency: boolean;
  /** The HTTP User-Agent sent upstream; Cliniko asks for a contact address in it. */
  readonly userAgent: string | undefined;
  readonly alarmEmail: string | undefined;
  /** An existing SNS topic the alarms go to, instead of (or besides) the email subscription. */
  readonly alarmTopicArn: string | undefined;
  /** First `dt` partition projection offers (yyyy-MM-dd). */
  readonly projectionStartDate: string;
  /** Names of the Athena reader roles; each gets its own policy and its own query results prefix. */
  readonly readerRoles: readonly string[];
}

const NAME = /^[a-z0-9][a-z0-9-]{0,30}$/;
/** Full runs must come around well within the retention, so expiring runs never removes the newest full one. */
export const MIN_RETENTION_DAYS = 35;

function parseJsonish(value: unknown): unknown {
  // `cdk synth -c key=value` passes strings; cdk.json passes structured values.
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function positiveInt(value: unknown, fallback: number, key: string): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(parseJsonish(value));
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`context ${key} must be a positive integer`);
  return n;
}

function bool(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  const parsed = parseJsonish(value);
  return parsed === true || parsed === 'true';
}

function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ConfigError(`context ${key} must be a string`);
  return value;
}

function parseDate(value: unknown, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new ConfigError('context projectionStartDate must be a date like 2024-01-01');
  }
  return value;
}

function names(value: unknown, key: string): string[] {
  const raw = parseJsonish(value) ?? [];
  if (!Array.isArray(raw) || raw.some((n) => typeof n !== 'string' || !NAME.test(n))) {
    throw new ConfigError(`context ${key} must be an array of lowercase names (letters, digits, dashes)`);
  }
  if (new Set(raw).size !== raw.length) throw new ConfigError(`context ${key} names one entry twice`);
  return raw as string[];
}

type RawSchedule = { name?: unknown; schedule?: unknown; fullSchedule?: unknown; timezone?: unknown };

function scheduleOf(raw: RawSchedule, deployment: SourceDeployment, key: string): ScheduleConfig {
  const defaults = deployment.schedules;
  return {
    incremental: optionalString(raw.schedule, `${key}.schedule`) ?? defaults.incremental,
    full: optionalString(raw.fullSchedule, `${key}.fullSchedule`) ?? defaults.full,
    timezone: optionalString(raw.timezone, `${key}.timezone`) ?? defaults.timezone,
  };
}

function accountSchedules(raw: unknown, deployment: SourceDeployment, key: string): ScheduleConfig[] {
  const accounts = parseJsonish(raw) ?? [{ name: 'main' }];
  if (!Array.isArray(accounts) || accounts.length === 0) {
    throw new ConfigError(
      `context ${key} must be a non-empty array of {name, schedule?, fullSchedule?, timezone?}`,
    );
  }
  const seen = new Set<string>();
  return accounts.map((entry: unknown, i) => {
    const item = (typeof entry === 'string' ? { name: entry } : entry) as RawSchedule | null;
    const name = item?.name;
    if (!item || typeof name !== 'string' || !NAME.test(name)) {
      throw new ConfigError(`context ${key}[${i}] needs a name of lowercase letters, digits and dashes`);
    }
    if (seen.has(name)) throw new ConfigError(`context ${key} names account ${name} twice`);
    seen.add(name);
    return { account: name, ...scheduleOf(item, deployment, `${key}[${i}]`) };
  });
}

function sourceConfig(raw: unknown, deployment: SourceDeployment): SourceConfig {
  const key = `sources.${deployment.source}`;
  const item = (parseJsonish(raw) ?? {}) as RawSchedule & Record<string, unknown>;
  if (typeof item !== 'object' || Array.isArray(item))
    throw new ConfigError(`context ${key} must be an object`);
  const settings = (parseJsonish(item.settings) ?? {}) as Record<string, unknown>;
  return {
    enabled: bool(item.enabled, true),
    schedules: deployment.perAccount
      ? accountSchedules(item.accounts, deployment, `${key}.accounts`)
      : [scheduleOf(item, deployment, key)],
    mapConcurrency: positiveInt(
      item.mapConcurrency,
      deployment.defaultMapConcurrency,
      `${key}.mapConcurrency`,
    ),
    webhook: deployment.webhook !== undefined && bool(item.webhook, true),
    requestsPerMinute:
      item.requestsPerMinute === undefined
        ? undefined
        : positiveInt(item.requestsPerMinute, 1, `${key}.requestsPerMinute`),
    settings: Object.fromEntries(
      Object.keys(deployment.settings ?? {}).map((name) => [
        name,
        optionalString(settings[name], `${key}.settings.${name}`),
      ]),
    ),
  };
}

function retentionOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === 0 || value === '0') return undefined;
  const days = positiveInt(value, 0, 'retentionDays');
  if (days < MIN_RETENTION_DAYS) {
    throw new ConfigError(
      `context retentionDays must be 0 (keep runs) or at least ${MIN_RETENTION_DAYS}, above the full-run interval`,
    );
  }
  return days;
}

/**
 * `-c sources.welkin.settings.tenant=acme` (the form the not-deployable message names) arrives as one context
 * key with dots in it, beside the `sources` object of cdk.json: each such key is set into a copy of that object,
 * overriding what cdk.json says at that path.
 */
function withDottedSettings(sources: unknown, all: Record<string, unknown>): Record<string, unknown> {
  if (typeof sources !== 'object' || sources === null || Array.isArray(sources))
    throw new ConfigError('context sources must be an object');
  const merged = structuredClone(sources) as Record<string, unknown>;
  for (const [key, value] of Object.entries(all)) {
    const path = key.split('.');
    if (path[0] !== 'sources' || path.length < 3 || path.some((part) => part.length === 0)) continue;
    let target = merged;
    for (const part of path.slice(1, -1)) {
      const next = parseJsonish(target[part]);
      target[part] = typeof next === 'object' && next !== null && !Array.isArray(next) ? { ...next } : {};
      target = target[part] as Record<string, unknown>;
    }
    target[path.at(-1) as string] = value;
  }
  return merged;
}

/** Reads the deployment's settings from CDK context (cdk.json or `-c key=value`), one entry per source. */
export function readConfig(node: Node, deployments: readonly SourceDeployment[]): PipelineConfig {
  const ctx = (key: string): unknown => node.tryGetContext(key);
  const sources = withDottedSettings(parseJsonish(ctx('sources')) ?? {}, node.getAllContext());
  const known = new Set(deployments.map((d) => d.source));
  const unknown = Object.keys(sources).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new ConfigError(`context sources names unknown source ${unknown.join(', ')}`);
  return {
    outputPrefix: String(ctx('outputPrefix') ?? DEFAULT_OUTPUT_PREFIX).replace(/^\/+|\/+$/g, ''),
    sources: new Map(deployments.map((d) => [d.source, sourceConfig(sources[d.source], d)])),
    retentionDays: retentionOf(ctx('retentionDays')),
    noncurrentVersionDays: positiveInt(ctx('noncurrentVersionDays'), 30, 'noncurrentVersionDays'),
    logRetentionDays: positiveInt(ctx('logRetentionDays'), 90, 'logRetentionDays'),
    maxLoopIterations: positiveInt(ctx('maxLoopIterations'), 200, 'maxLoopIterations'),
    reservedConcurrency: bool(ctx('reservedConcurrency'), false),
    userAgent: optionalString(ctx('userAgent'), 'userAgent'),
    alarmEmail: optionalString(ctx('alarmEmail'), 'alarmEmail'),
    alarmTopicArn: optionalString(ctx('alarmTopicArn'), 'alarmTopicArn'),
    projectionStartDate: parseDate(ctx('projectionStartDate'), '2024-01-01'),
    readerRoles: names(ctx('readerRoles') ?? ['analyst'], 'readerRoles'),
  };
}
