import { stateFolder, WEBHOOK_FOLDERS } from '../layout/index.js';
import type { SourceDeployment } from '../sources/deployment.js';
import {
  columns,
  credentialsSecret,
  exportFunction,
  perInvocationPace,
  schedules,
  tokenApiAccess,
  tokenCacheSecret,
  webhookReceiver,
  webhookSecret,
  webhookTable,
  webhookWorker,
} from '../sources/deployment-parts.js';
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

const NOTICE_COLUMNS = columns(
  'sourceId',
  'sourceName',
  'patientId',
  'tenantName',
  'instanceName',
  'eventEntity',
  'eventSubtype',
  'url',
  'initiatedBy',
  'initiatedTime',
  '_receivedAt',
  '_dedupeKey',
);

const CHANGE_COLUMNS = columns(
  'id',
  'updatedAt',
  { name: '_deleted', type: 'boolean' },
  '_id',
  '_pulledAt',
  // The notice the pull answered, as JSON text.
  '_notice',
);

/**
 * Each webhook worker invocation (at most 2 at once, reservedConcurrency) pulls at most 60 records a minute:
 * a batch of 10 notices takes 10 s of its 60 s timeout, and the queue absorbs a burst.
 */
const WORKER_REQUESTS_PER_MINUTE = 60;

/** API credentials and the token cache shared by every function that calls Welkin. */
const API_ACCESS = tokenApiAccess('WELKIN_CREDENTIALS_SECRET_ARN', 'WELKIN_TOKEN_SECRET_ARN');

/** What the stack deploys for Welkin V8: the export, and the ping-and-pull webhook. */
export const WELKIN_DEPLOYMENT: SourceDeployment = {
  source: 'welkin',
  title: 'Welkin',
  perAccount: false,
  // Program definitions have no id or timestamps: their table's columns are their own key and labels.
  resources: WELKIN_RESOURCES.map((resource) =>
    resource.name === 'programs'
      ? { name: resource.name, columns: columns('name', 'title', 'description') }
      : { name: resource.name },
  ),
  // Welkin records are camelCase; the tables' columns are the lowercased keys (createdat, updatedat).
  defaultColumns: columns('id', 'createdAt', 'updatedAt'),
  secrets: [
    credentialsSecret('Welkin API client: {"tenant","instance","clientName","secret","env"}', {
      tenant: '',
      instance: '',
      clientName: '',
      secret: '',
      env: 'live',
    }),
    tokenCacheSecret('Welkin'),
    webhookSecret('Shared secret Welkin sends in the webhook header (X-Webhook-Secret)'),
  ],
  exportFunction: exportFunction('welkin', 'Welkin', {
    secrets: API_ACCESS,
    prefixes: ['welkin', stateFolder('welkin')],
  }),
  // The pace is per process: the Map's parallel invocations share the default pace, or the deployer's
  // `requestsPerMinute`, so the stack's export is as polite as one CLI run.
  exportEnvironment: (settings) => ({
    WELKIN_REQUESTS_PER_MINUTE: String(perInvocationPace(settings, WELKIN_DEFAULT_REQUESTS_PER_MINUTE)),
  }),
  schedules: schedules('cron(30 3 * * ? *)', 'cron(30 1 ? * SUN *)'),
  defaultMapConcurrency: 2,
  settings: {
    tenant: 'Welkin tenant name the webhook receiver accepts notices for',
    instance: 'Welkin instance name the webhook receiver accepts notices for',
  },
  webhook: {
    receiver: webhookReceiver('welkin', {
      description: 'Receives Welkin webhook notices: authenticates, stores, queues',
      // The webhook secret only: tenant and instance come from the environment, never from the API credentials.
      secrets: [{ secret: 'webhook-secret', env: 'WELKIN_WEBHOOK_SECRET_ARN' }],
      prefixes: [WEBHOOK_FOLDERS.welkinEvents],
      environment: { WEBHOOK_SECRET_HEADER: 'x-webhook-secret', WEBHOOK_MAX_BYTES: String(256 * 1024) },
      settingsEnvironment: { WELKIN_TENANT: 'tenant', WELKIN_INSTANCE: 'instance' },
    }),
    worker: webhookWorker('welkin', {
      description: 'Pulls the current Welkin record for each queued webhook notice',
      timeoutSeconds: 60,
      secrets: API_ACCESS,
      prefixes: [WEBHOOK_FOLDERS.welkinChanges],
      environment: { WELKIN_REQUESTS_PER_MINUTE: String(WORKER_REQUESTS_PER_MINUTE) },
    }),
    queueUrlEnv: 'WELKIN_EVENTS_QUEUE_URL',
    authentication: 'Configure this URL in Welkin with the header X-Webhook-Secret',
    tables: [
      webhookTable({
        name: 'welkin_events',
        description: 'Welkin webhook notices as received (one row per distinct notice)',
        folder: WEBHOOK_FOLDERS.welkinEvents,
        columns: NOTICE_COLUMNS,
      }),
      webhookTable({
        name: 'welkin_changes',
        description: 'Welkin records pulled after each webhook notice, or deletion markers',
        folder: WEBHOOK_FOLDERS.welkinChanges,
        entities: WEBHOOK_CHANGE_ENTITIES,
        columns: CHANGE_COLUMNS,
      }),
    ],
  },
};
