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
import { DEFAULT_REQUESTS_PER_MINUTE } from './config.js';
import { WELKIN_V1_ENV as ENV } from './env.js';
import { WELKIN_V1_RESOURCES } from './resources.js';

/** API credentials and the token cache shared by every function that calls Welkin v1. */
const API_ACCESS = tokenApiAccess(ENV.credentialsSecretArn, ENV.tokenSecretArn);

/** v1 records are snake_case like the columns. */
const RECORD_COLUMNS = columns('id', 'created_at', 'updated_at');

/** Stored notifications: `{notices: [...], _receivedAt, _dedupeKey}`, the list kept as JSON text. */
const NOTICE_COLUMNS = columns('notices', '_receivedAt', '_dedupeKey');

const RESOURCE_NAMES = WELKIN_V1_RESOURCES.map((resource) => resource.name);

/** What the stack deploys for Welkin v1: the export and the ping-and-pull webhook. */
export const WELKIN_V1_DEPLOYMENT: SourceDeployment = {
  source: 'welkin-v1',
  title: 'Welkin v1',
  perAccount: false,
  resources: WELKIN_V1_RESOURCES.map((resource) => ({
    name: resource.name,
    ...(resource.timestamped ? {} : { columns: columns('id') }),
  })),
  defaultColumns: RECORD_COLUMNS,
  secrets: [
    credentialsSecret('Welkin v1 API client: {"clientId","clientSecret","scope"}', {
      clientId: '',
      clientSecret: '',
      scope: 'all',
    }),
    webhookSecret(
      'Secret signing Welkin v1 update notifications (HS256), given to Welkin with client id clinic-pipe',
    ),
    tokenCacheSecret('Welkin v1'),
  ],
  exportFunction: exportFunction('welkin-v1', 'Welkin v1', {
    secrets: API_ACCESS,
    // welkin-v1-deletions: the realtime worker's deletion markers, read by the current-state publish.
    prefixes: ['welkin-v1', stateFolder('welkin-v1'), WEBHOOK_FOLDERS.v1Deletions],
  }),
  // The pace is per process: the Map's parallel invocations share the default pace, or the deployer's
  // `requestsPerMinute`, so the stack's export is as polite as one CLI run (as for Cliniko and Welkin V8).
  exportEnvironment: (settings) => ({
    WELKIN_V1_REQUESTS_PER_MINUTE: String(perInvocationPace(settings, DEFAULT_REQUESTS_PER_MINUTE)),
  }),
  schedules: schedules('cron(0 4 * * ? *)', 'cron(0 2 ? * SUN *)'),
  defaultMapConcurrency: 2,
  webhook: {
    receiver: webhookReceiver('welkin-v1', {
      description:
        'Receives Welkin v1 notifications (legacy: bearer JWT; realtime: SNS-signed, jwt-verified), stores, queues',
      // The signing secret only: the receiver never holds the API credentials.
      secrets: [{ secret: 'webhook-secret', env: ENV.webhookSecretArn }],
      // Legacy notices, realtime notifications and confirmed SNS subscriptions. It also makes outbound https
      // GETs to sns.<region>.amazonaws.com only: signing certificates and the SubscribeURL.
      prefixes: [WEBHOOK_FOLDERS.v1Events, WEBHOOK_FOLDERS.v1Realtime],
      environment: { [ENV.webhookClientId]: 'clinic-pipe', [ENV.webhookMaxBytes]: String(256 * 1024) },
    }),
    worker: webhookWorker('welkin-v1', {
      description:
        'Pulls the changed Welkin v1 records of each queued notification; writes realtime deletion markers',
      timeoutSeconds: 300,
      secrets: API_ACCESS,
      prefixes: [WEBHOOK_FOLDERS.v1Changes, WEBHOOK_FOLDERS.v1Deletions],
    }),
    queueUrlEnv: ENV.eventsQueueUrl,
    authentication:
      'Give Welkin this URL as the notify URL (legacy and realtime), with client id clinic-pipe and the webhook-secret value (HS256 JWT); the SNS subscription is confirmed by the function itself',
    tables: [
      webhookTable({
        name: 'welkin_v1_events',
        description: 'Welkin v1 update notifications as received (one row per distinct notification)',
        folder: WEBHOOK_FOLDERS.v1Events,
        columns: NOTICE_COLUMNS,
      }),
      webhookTable({
        name: 'welkin_v1_changes',
        description: 'Welkin v1 records pulled for each notified window',
        folder: WEBHOOK_FOLDERS.v1Changes,
        entities: RESOURCE_NAMES,
        columns: RECORD_COLUMNS,
      }),
      webhookTable({
        name: 'welkin_v1_deletion_markers',
        description:
          'Welkin v1 records reported deleted by realtime notifications (tombstoned at the next publish)',
        folder: WEBHOOK_FOLDERS.v1Deletions,
        entities: RESOURCE_NAMES,
        columns: columns('_id', '_entity', '_updatedAt', '_pulledAt', { name: '_deleted', type: 'boolean' }),
      }),
    ],
  },
};
