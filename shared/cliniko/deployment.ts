import type { SourceDeployment } from '../sources/deployment.js';
import {
  credentialsSecret,
  exportFunction,
  perInvocationPace,
  schedules,
} from '../sources/deployment-parts.js';
import { CLINIKO_RESOURCES } from './resources.js';

/** Cliniko's documented limit per API user, shared by the Map's parallel invocations. */
const CLINIKO_REQUESTS_PER_MINUTE = 200;

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
    credentialsSecret(
      'Cliniko API key: {"apiKey": "..."}',
      { apiKey: '' },
      { id: 'api-key', perAccount: true },
    ),
  ],
  exportFunction: exportFunction('cliniko', 'Cliniko', {
    secrets: [{ secret: 'api-key', env: 'CLINIKO_SECRET_ARNS' }],
    prefixes: ['{account}'],
  }),
  exportEnvironment: (settings) => ({
    CLINIKO_USER_AGENT: settings.userAgent,
    // 10% headroom under the per-user limit.
    CLINIKO_REQUESTS_PER_MINUTE: String(perInvocationPace(settings, CLINIKO_REQUESTS_PER_MINUTE, 0.9)),
  }),
  schedules: schedules('cron(0 3 * * ? *)', 'cron(0 1 ? * SUN *)'),
  defaultMapConcurrency: 2,
};
