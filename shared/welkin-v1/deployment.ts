import { EXPORTER_NODE_OPTIONS } from '../lambda/runtime-options.js';
import type { SecretAccess, SourceDeployment } from '../sources/deployment.js';
import { WELKIN_V1_ENV as ENV } from './env.js';
import { WELKIN_V1_RESOURCES } from './resources.js';

/** API credentials and the token cache shared by every function that calls Welkin v1. */
export const WELKIN_V1_API_ACCESS: readonly SecretAccess[] = [
  { secret: 'credentials', env: ENV.credentialsSecretArn },
  { secret: 'token-cache', env: ENV.tokenSecretArn, write: true },
];

/** What the stack deploys for Welkin v1: the export (the ping-and-pull webhook is added beside it). */
export const WELKIN_V1_DEPLOYMENT: SourceDeployment = {
  source: 'welkin-v1',
  title: 'Welkin v1',
  perAccount: false,
  resources: WELKIN_V1_RESOURCES.map((resource) => ({
    name: resource.name,
    ...(resource.timestamped ? {} : { columns: [{ name: 'id' }] }),
  })),
  // v1 records are snake_case like the columns.
  defaultColumns: [{ name: 'id' }, { name: 'created_at' }, { name: 'updated_at' }],
  secrets: [
    {
      id: 'credentials',
      description: 'Welkin v1 API client: {"clientId","clientSecret","scope"}',
      placeholder: { clientId: '', clientSecret: '', scope: 'all' },
      noRotationReason: 'vendor-issued API credential with no rotation API; rotated by hand per the runbook',
    },
    {
      id: 'token-cache',
      description: 'Welkin v1 access-token cache written by the functions: {"token","expiresAt"}',
      placeholder: {},
      noRotationReason:
        'the functions replace this cached token whenever it nears expiry (hourly); rotation Lambdas do not apply',
    },
  ],
  exportFunction: {
    entryDir: 'welkin-v1-export',
    description: 'Exports Welkin v1 resources to NDJSON snapshots (resumable via checkpoint)',
    timeoutSeconds: 900,
    memoryMb: 512,
    reservedConcurrency: 3,
    secrets: WELKIN_V1_API_ACCESS,
    prefixes: ['welkin-v1', '_state/welkin-v1'],
    environment: { NODE_OPTIONS: `--enable-source-maps ${EXPORTER_NODE_OPTIONS}` },
  },
  schedules: {
    incremental: 'cron(0 4 * * ? *)',
    full: 'cron(0 2 ? * SUN *)',
    timezone: 'Australia/Sydney',
  },
  defaultMapConcurrency: 2,
};
