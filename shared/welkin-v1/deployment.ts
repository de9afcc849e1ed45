import { EXPORTER_NODE_OPTIONS } from '../lambda/runtime-options.js';
import type { ColumnDeployment, SecretAccess, SourceDeployment } from '../sources/deployment.js';
import { WELKIN_V1_ENV as ENV } from './env.js';
import { WELKIN_V1_RESOURCES } from './resources.js';

/** API credentials and the token cache shared by every function that calls Welkin v1. */
export const WELKIN_V1_API_ACCESS: readonly SecretAccess[] = [
  { secret: 'credentials', env: ENV.credentialsSecretArn },
  { secret: 'token-cache', env: ENV.tokenSecretArn, write: true },
];

/** Stored notifications: `{notices: [...], _receivedAt, _dedupeKey}`, the list kept as JSON text. */
const NOTICE_COLUMNS: readonly ColumnDeployment[] = [
  { name: 'notices' },
  { name: '_receivedAt' },
  { name: '_dedupeKey' },
];

/** What the stack deploys for Welkin v1: the export and the ping-and-pull webhook. */
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
      id: 'webhook-secret',
      description:
        'Secret signing Welkin v1 update notifications (HS256), given to Welkin with client id clinic-pipe',
      generatedLength: 48,
      noRotationReason: 'the value is also configured in Welkin; rotate both together per the runbook',
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
    // welkin-v1-deletions: the realtime worker's deletion markers, read by the current-state publish.
    prefixes: ['welkin-v1', '_state/welkin-v1', 'welkin-v1-deletions'],
    environment: { NODE_OPTIONS: `--enable-source-maps ${EXPORTER_NODE_OPTIONS}` },
  },
  schedules: {
    incremental: 'cron(0 4 * * ? *)',
    full: 'cron(0 2 ? * SUN *)',
    timezone: 'Australia/Sydney',
  },
  defaultMapConcurrency: 2,
  webhook: {
    receiver: {
      entryDir: 'welkin-v1-webhook',
      description:
        'Receives Welkin v1 notifications (legacy: bearer JWT; realtime: SNS-signed, jwt-verified), stores, queues',
      timeoutSeconds: 10,
      memoryMb: 256,
      reservedConcurrency: 20,
      // The signing secret only: the receiver never holds the API credentials.
      secrets: [{ secret: 'webhook-secret', env: ENV.webhookSecretArn }],
      // Legacy notices, realtime notifications and confirmed SNS subscriptions. It also makes outbound https
      // GETs to sns.<region>.amazonaws.com only: signing certificates and the SubscribeURL.
      prefixes: ['welkin-v1-events', 'welkin-v1-realtime'],
      environment: { [ENV.webhookClientId]: 'clinic-pipe', [ENV.webhookMaxBytes]: String(256 * 1024) },
    },
    worker: {
      entryDir: 'welkin-v1-webhook-worker',
      description:
        'Pulls the changed Welkin v1 records of each queued notification; writes realtime deletion markers',
      timeoutSeconds: 300,
      memoryMb: 512,
      reservedConcurrency: 2,
      secrets: WELKIN_V1_API_ACCESS,
      prefixes: ['welkin-v1-changes', 'welkin-v1-deletions'],
    },
    queueUrlEnv: ENV.eventsQueueUrl,
    authentication:
      'Give Welkin this URL as the notify URL (legacy and realtime), with client id clinic-pipe and the webhook-secret value (HS256 JWT); the SNS subscription is confirmed by the function itself',
    tables: [
      {
        name: 'welkin_v1_events',
        description: 'Welkin v1 update notifications as received (one row per distinct notification)',
        folder: 'welkin-v1-events',
        columns: NOTICE_COLUMNS,
        compressed: false,
      },
      {
        name: 'welkin_v1_changes',
        description: 'Welkin v1 records pulled for each notified window',
        folder: 'welkin-v1-changes',
        entities: WELKIN_V1_RESOURCES.map((resource) => resource.name),
        columns: [{ name: 'id' }, { name: 'created_at' }, { name: 'updated_at' }],
        compressed: false,
      },
      {
        name: 'welkin_v1_deletion_markers',
        description:
          'Welkin v1 records reported deleted by realtime notifications (tombstoned at the next publish)',
        folder: 'welkin-v1-deletions',
        entities: WELKIN_V1_RESOURCES.map((resource) => resource.name),
        columns: [
          { name: '_id' },
          { name: '_entity' },
          { name: '_updatedAt' },
          { name: '_pulledAt' },
          { name: '_deleted', type: 'boolean' },
        ],
        compressed: false,
      },
    ],
  },
};
