import { EXPORTER_NODE_OPTIONS } from '../lambda/runtime-options.js';
import type {
  ColumnDeployment,
  DeploySettings,
  SecretAccess,
  SourceDeployment,
} from '../sources/deployment.js';
import { WELKIN_DEFAULT_REQUESTS_PER_MINUTE } from './config.js';
import { WELKIN_RESOURCES } from './resources.js';

/** Folder names the worker writes under `welkin-changes/` (the notice entity, lowercased; aliases included). */
const WEBHOOK_CHANGE_ENTITIES = [
  'patient',
  'calendar',
  'calendar_event',
  'assessment',
  'assessment_record',
  'cdt',
  'cdt_record',
  'encounter',
];

const NOTICE_COLUMNS: readonly ColumnDeployment[] = [
  { name: 'sourceId' },
  { name: 'sourceName' },
  { name: 'patientId' },
  { name: 'tenantName' },
  { name: 'instanceName' },
  { name: 'eventEntity' },
  { name: 'eventSubtype' },
  { name: 'url' },
  { name: 'initiatedBy' },
  { name: 'initiatedTime' },
  { name: '_receivedAt' },
  { name: '_dedupeKey' },
];

const CHANGE_COLUMNS: readonly ColumnDeployment[] = [
  { name: 'id' },
  { name: 'updatedAt' },
  { name: '_deleted', type: 'boolean' },
  { name: '_id' },
  { name: '_pulledAt' },
  // The notice the pull answered, as JSON text.
  { name: '_notice' },
];

/** API credentials and the token cache shared by every function that calls Welkin. */
const API_ACCESS: readonly SecretAccess[] = [
  { secret: 'credentials', env: 'WELKIN_CREDENTIALS_SECRET_ARN' },
  { secret: 'token-cache', env: 'WELKIN_TOKEN_SECRET_ARN', write: true },
];

/**
 * The pace is per process: the export's parallel invocations (the Map's concurrency) share the default pace,
 * or the deployer's `requestsPerMinute`, so the stack's export is as polite as one CLI run.
 */
function perInvocationPace(settings: DeploySettings): number {
  const total = settings.requestsPerMinute ?? WELKIN_DEFAULT_REQUESTS_PER_MINUTE;
  return Math.max(1, Math.floor(total / settings.mapConcurrency));
}

/**
 * Each webhook worker invocation (at most 2 at once, reservedConcurrency) pulls at most 60 records a minute:
 * a batch of 10 notices takes 10 s of its 60 s timeout, and the queue absorbs a burst.
 */
const WORKER_REQUESTS_PER_MINUTE = 60;

/** What the stack deploys for Welkin V8: the export, and the ping-and-pull webhook. */
export const WELKIN_DEPLOYMENT: SourceDeployment = {
  source: 'welkin',
  title: 'Welkin',
  perAccount: false,
  // Program definitions have no id or timestamps: their table's columns are their own key and labels.
  resources: WELKIN_RESOURCES.map((resource) =>
    resource.name === 'programs'
      ? { name: resource.name, columns: [{ name: 'name' }, { name: 'title' }, { name: 'description' }] }
      : { name: resource.name },
  ),
  // Welkin records are camelCase; the tables' columns are the lowercased keys (createdat, updatedat).
  defaultColumns: [{ name: 'id' }, { name: 'createdAt' }, { name: 'updatedAt' }],
  secrets: [
    {
      id: 'credentials',
      description: 'Welkin API client: {"tenant","instance","clientName","secret","env"}',
      placeholder: { tenant: '', instance: '', clientName: '', secret: '', env: 'live' },
      noRotationReason: 'vendor-issued API credential with no rotation API; rotated by hand per the runbook',
    },
    {
      id: 'token-cache',
      description: 'Welkin access-token cache written by the functions: {"token","expiresAt"}',
      placeholder: {},
      noRotationReason:
        'the functions replace this cached token whenever it nears expiry (hourly); rotation Lambdas do not apply',
    },
    {
      id: 'webhook-secret',
      description: 'Shared secret Welkin sends in the webhook header (X-Webhook-Secret)',
      generatedLength: 48,
      noRotationReason: 'the value is also configured in Welkin; rotate both together per the runbook',
    },
  ],
  exportFunction: {
    entryDir: 'welkin-export',
    description: 'Exports Welkin resources to NDJSON snapshots (resumable via checkpoint)',
    timeoutSeconds: 900,
    memoryMb: 512,
    reservedConcurrency: 3,
    secrets: API_ACCESS,
    prefixes: ['welkin', '_state/welkin'],
    environment: { NODE_OPTIONS: `--enable-source-maps ${EXPORTER_NODE_OPTIONS}` },
  },
  exportEnvironment: (settings) => ({ WELKIN_REQUESTS_PER_MINUTE: String(perInvocationPace(settings)) }),
  schedules: {
    incremental: 'cron(30 3 * * ? *)',
    full: 'cron(30 1 ? * SUN *)',
    timezone: 'Australia/Sydney',
  },
  defaultMapConcurrency: 2,
  settings: {
    tenant: 'Welkin tenant name the webhook receiver accepts notices for',
    instance: 'Welkin instance name the webhook receiver accepts notices for',
  },
  webhook: {
    receiver: {
      entryDir: 'welkin-webhook',
      description: 'Receives Welkin webhook notices: authenticates, stores, queues',
      timeoutSeconds: 10,
      memoryMb: 256,
      reservedConcurrency: 20,
      // The webhook secret only: tenant and instance come from the environment, never from the API credentials.
      secrets: [{ secret: 'webhook-secret', env: 'WELKIN_WEBHOOK_SECRET_ARN' }],
      prefixes: ['welkin-events'],
      environment: { WEBHOOK_SECRET_HEADER: 'x-webhook-secret', WEBHOOK_MAX_BYTES: String(256 * 1024) },
      settingsEnvironment: { WELKIN_TENANT: 'tenant', WELKIN_INSTANCE: 'instance' },
    },
    worker: {
      entryDir: 'welkin-webhook-worker',
      description: 'Pulls the current Welkin record for each queued webhook notice',
      timeoutSeconds: 60,
      memoryMb: 512,
      reservedConcurrency: 2,
      secrets: API_ACCESS,
      prefixes: ['welkin-changes'],
      environment: { WELKIN_REQUESTS_PER_MINUTE: String(WORKER_REQUESTS_PER_MINUTE) },
    },
    queueUrlEnv: 'WELKIN_EVENTS_QUEUE_URL',
    authentication: 'Configure this URL in Welkin with the header X-Webhook-Secret',
    tables: [
      {
        name: 'welkin_events',
        description: 'Welkin webhook notices as received (one row per distinct notice)',
        folder: 'welkin-events',
        columns: NOTICE_COLUMNS,
        compressed: false,
      },
      {
        name: 'welkin_changes',
        description: 'Welkin records pulled after each webhook notice, or deletion markers',
        folder: 'welkin-changes',
        entities: WEBHOOK_CHANGE_ENTITIES,
        columns: CHANGE_COLUMNS,
        compressed: false,
      },
    ],
  },
};
