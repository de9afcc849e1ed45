import type { Node } from 'constructs';
import { ConfigError } from '../shared/errors.js';

/** One Cliniko account served by this deployment: its own secret, schedule and S3 prefix. */
export interface ClinikoAccountConfig {
  readonly name: string;
  readonly schedule: string;
  readonly timezone: string;
}

export interface ScheduleConfig {
  readonly schedule: string;
  readonly timezone: string;
}

export interface PipelineConfig {
  readonly outputPrefix: string;
  readonly clinikoAccounts: readonly ClinikoAccountConfig[];
  readonly welkin: ScheduleConfig & { readonly enabled: boolean };
  readonly webhook: { readonly enabled: boolean };
  /** Days a finished run stays in the bucket; undefined keeps runs forever. */
  readonly retentionDays: number | undefined;
  readonly noncurrentVersionDays: number;
  readonly logRetentionDays: number;
  readonly clinikoMapConcurrency: number;
  /** Cliniko's documented limit per API user; split between the Map's parallel invocations. */
  readonly clinikoRateLimitPerMinute: number;
  readonly welkinMapConcurrency: number;
  /** Upper bound of Lambda invocations per resource per execution (guards a never-finishing loop). */
  readonly maxLoopIterations: number;
  /** False when the account's concurrency quota is too small to reserve (new accounts have 10). */
  readonly reservedConcurrency: boolean;
  readonly clinikoUserAgent: string;
  readonly alarmEmail: string | undefined;
  /** First `dt` partition projection offers (yyyy-MM-dd). */
  readonly projectionStartDate: string;
}

const DEFAULT_SCHEDULE = 'cron(0 3 * * ? *)';
const DEFAULT_TIMEZONE = 'Australia/Sydney';
const ACCOUNT_NAME = /^[a-z0-9][a-z0-9-]{0,30}$/;

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

function parseDate(value: unknown, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new ConfigError('context projectionStartDate must be a date like 2024-01-01');
  }
  return value;
}

function parseAccounts(value: unknown): ClinikoAccountConfig[] {
  const raw = parseJsonish(value) ?? [{ name: 'main' }];
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(
      'context clinikoAccounts must be a non-empty array of {name, schedule?, timezone?}',
    );
  }
  const seen = new Set<string>();
  return raw.map((entry: unknown) => {
    const item = (typeof entry === 'string' ? { name: entry } : entry) as Partial<ClinikoAccountConfig>;
    if (!item || typeof item.name !== 'string' || !ACCOUNT_NAME.test(item.name)) {
      throw new ConfigError('each Cliniko account needs a name of lowercase letters, digits and dashes');
    }
    if (seen.has(item.name)) throw new ConfigError(`duplicate Cliniko account ${item.name}`);
    seen.add(item.name);
    return {
      name: item.name,
      schedule: item.schedule ?? DEFAULT_SCHEDULE,
      timezone: item.timezone ?? DEFAULT_TIMEZONE,
    };
  });
}

/** Reads the deployment's settings from CDK context (cdk.json or `-c key=value`). */
export function readConfig(node: Node): PipelineConfig {
  const ctx = (key: string): unknown => node.tryGetContext(key);
  const welkin = (parseJsonish(ctx('welkin')) ?? {}) as Partial<ScheduleConfig & { enabled: boolean }>;
  const retention = ctx('retentionDays');
  return {
    outputPrefix: String(ctx('outputPrefix') ?? 'snapshots').replace(/^\/+|\/+$/g, ''),
    clinikoAccounts: parseAccounts(ctx('clinikoAccounts')),
    welkin: {
      enabled: welkin.enabled ?? true,
      schedule: welkin.schedule ?? DEFAULT_SCHEDULE,
      timezone: welkin.timezone ?? DEFAULT_TIMEZONE,
    },
    webhook: { enabled: bool(ctx('webhookEnabled'), true) },
    retentionDays:
      retention === undefined || retention === null || retention === 0 || retention === '0'
        ? undefined
        : positiveInt(retention, 0, 'retentionDays'),
    noncurrentVersionDays: positiveInt(ctx('noncurrentVersionDays'), 30, 'noncurrentVersionDays'),
    logRetentionDays: positiveInt(ctx('logRetentionDays'), 90, 'logRetentionDays'),
    clinikoMapConcurrency: positiveInt(ctx('clinikoMapConcurrency'), 2, 'clinikoMapConcurrency'),
    clinikoRateLimitPerMinute: positiveInt(
      ctx('clinikoRateLimitPerMinute'),
      200,
      'clinikoRateLimitPerMinute',
    ),
    welkinMapConcurrency: positiveInt(ctx('welkinMapConcurrency'), 2, 'welkinMapConcurrency'),
    maxLoopIterations: positiveInt(ctx('maxLoopIterations'), 200, 'maxLoopIterations'),
    reservedConcurrency: bool(ctx('reservedConcurrency'), true),
    clinikoUserAgent: String(ctx('clinikoUserAgent') ?? 'clinic-pipe exporter (ops@example.com)'),
    alarmEmail: typeof ctx('alarmEmail') === 'string' ? (ctx('alarmEmail') as string) : undefined,
    projectionStartDate: parseDate(ctx('projectionStartDate'), '2024-01-01'),
  };
}
