import { EXPORTER_NODE_OPTIONS } from '../lambda/runtime-options.js';
import type { DeploySettings, SourceDeployment } from '../sources/deployment.js';
import { CLINIKO_RESOURCES } from './resources.js';

/** Cliniko's documented limit per API user, shared by the Map's parallel invocations. */
const CLINIKO_REQUESTS_PER_MINUTE = 200;

/** Requests per minute each parallel invocation may make, keeping 10% headroom under the per-user limit. */
function perInvocationBudget(settings: DeploySettings): number {
  const limit = settings.requestsPerMinute ?? CLINIKO_REQUESTS_PER_MINUTE;
  return Math.max(1, Math.floor((limit * 0.9) / settings.mapConcurrency));
}

/** What the stack deploys for Cliniko: one export function for all accounts, one API key secret each. */
export const CLINIKO_DEPLOYMENT: SourceDeployment = {
  source: 'cliniko',
  title: 'Cliniko',
  perAccount: true,
  resources: CLINIKO_RESOURCES.map((resource) => ({ name: resource.name })),
  defaultColumns: [
    { name: 'id', type: 'bigint' },
    { name: 'created_at' },
    { name: 'updated_at' },
    { name: 'archived_at' },
  ],
  secrets: [
    {
      id: 'api-key',
      description: 'Cliniko API key: {"apiKey": "..."}',
      placeholder: { apiKey: '' },
      perAccount: true,
      noRotationReason: 'vendor-issued API credential with no rotation API; rotated by hand per the runbook',
    },
  ],
  exportFunction: {
    entryDir: 'cliniko-export',
    description: 'Exports Cliniko resources to NDJSON snapshots (resumable via checkpoint)',
    timeoutSeconds: 900,
    // Bench peak is ~160 MB RSS; 512 MB leaves headroom and buys CPU for gzip.
    memoryMb: 512,
    reservedConcurrency: 3,
    secrets: [{ secret: 'api-key', env: 'CLINIKO_SECRET_ARNS' }],
    prefixes: ['{account}'],
    // The flags `npm run bench` measured the bundled exporter with.
    environment: { NODE_OPTIONS: `--enable-source-maps ${EXPORTER_NODE_OPTIONS}` },
  },
  exportEnvironment: (settings) => ({
    CLINIKO_USER_AGENT: settings.userAgent,
    CLINIKO_REQUESTS_PER_MINUTE: String(perInvocationBudget(settings)),
  }),
  schedules: {
    incremental: 'cron(0 3 * * ? *)',
    full: 'cron(0 1 ? * SUN *)',
    timezone: 'Australia/Sydney',
  },
  defaultMapConcurrency: 2,
};
