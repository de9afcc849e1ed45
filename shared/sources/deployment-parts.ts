import { EXPORTER_NODE_OPTIONS } from '../lambda/runtime-options.js';
import type {
  ColumnDeployment,
  DeploySettings,
  FunctionDeployment,
  SecretAccess,
  SecretDeployment,
  SourceDeployment,
  WebhookTableDeployment,
} from './deployment.js';

/**
 * The parts of a SourceDeployment every source deploys alike, so a source's deployment names only what is its
 * own (titles, secrets' shapes, prefixes, schedules' times).
 */

const VENDOR_CREDENTIAL =
  'vendor-issued API credential with no rotation API; rotated by hand per the runbook';

/** The API credential the operator puts in after deploy (placeholder: its JSON shape, no value). */
export function credentialsSecret(
  description: string,
  placeholder: Readonly<Record<string, string>>,
  options: { id?: string; perAccount?: boolean } = {},
): SecretDeployment {
  const { id = 'credentials', perAccount } = options;
  return {
    id,
    description,
    placeholder,
    ...(perAccount ? { perAccount } : {}),
    noRotationReason: VENDOR_CREDENTIAL,
  };
}

/** The access-token cache the functions share, so one API client renews once however many functions run. */
export const tokenCacheSecret = (title: string): SecretDeployment => ({
  id: 'token-cache',
  description: `${title} access-token cache written by the functions: {"token","expiresAt"}`,
  placeholder: {},
  noRotationReason:
    'the functions replace this cached token whenever it nears expiry (hourly); rotation Lambdas do not apply',
});

/** A generated secret the vendor signs or sends its webhook calls with. */
export const webhookSecret = (description: string): SecretDeployment => ({
  id: 'webhook-secret',
  description,
  generatedLength: 48,
  noRotationReason: 'the value is also configured in Welkin; rotate both together per the runbook',
});

/** API credentials and the token cache, for every function that calls a token-authorised API. */
export const tokenApiAccess = (credentialsEnv: string, tokenEnv: string): readonly SecretAccess[] => [
  { secret: 'credentials', env: credentialsEnv },
  { secret: 'token-cache', env: tokenEnv, write: true },
];

/** The export function (`functions/<source>-export`): 15 minutes, resumable via its checkpoint. */
export function exportFunction(
  source: string,
  title: string,
  access: Pick<FunctionDeployment, 'secrets' | 'prefixes'>,
): FunctionDeployment {
  return {
    entryDir: `${source}-export`,
    description: `Exports ${title} resources to NDJSON snapshots (resumable via checkpoint)`,
    timeoutSeconds: 900,
    // Bench peak is ~160 MB RSS; 512 MB leaves headroom and buys CPU for gzip.
    memoryMb: 512,
    reservedConcurrency: 3,
    ...access,
    // The flags `npm run bench` measured the bundled exporter with.
    environment: { NODE_OPTIONS: `--enable-source-maps ${EXPORTER_NODE_OPTIONS}` },
  };
}

type OwnParts = Omit<FunctionDeployment, 'entryDir' | 'timeoutSeconds' | 'memoryMb' | 'reservedConcurrency'>;

/** The public webhook receiver (`functions/<source>-webhook`): answers fast (store, then queue), many at once. */
export const webhookReceiver = (source: string, parts: OwnParts): FunctionDeployment => ({
  entryDir: `${source}-webhook`,
  ...parts,
  timeoutSeconds: 10,
  memoryMb: 256,
  reservedConcurrency: 20,
});

/** The queue's worker (`functions/<source>-webhook-worker`): pulls changed records, two at once. */
export const webhookWorker = (
  source: string,
  parts: OwnParts & Pick<FunctionDeployment, 'timeoutSeconds'>,
): FunctionDeployment => ({
  entryDir: `${source}-webhook-worker`,
  ...parts,
  memoryMb: 512,
  reservedConcurrency: 2,
});

/** Daily incremental and weekly full runs, in the clinics' time zone unless told otherwise. */
export const schedules = (
  incremental: string,
  full: string,
  timezone = 'Australia/Sydney',
): SourceDeployment['schedules'] => ({ incremental, full, timezone });

/**
 * Requests per minute for each of the export's parallel invocations (the Map's concurrency): the deployer's
 * `requestsPerMinute` or the source's default, times `share` (headroom under a documented limit), split evenly.
 */
export function perInvocationPace(settings: DeploySettings, perMinute: number, share = 1): number {
  const total = settings.requestsPerMinute ?? perMinute;
  return Math.max(1, Math.floor((total * share) / settings.mapConcurrency));
}

/** Table columns: a name is a string column (the record's JSON key), a typed one is written out. */
export const columns = (...list: readonly (string | ColumnDeployment)[]): ColumnDeployment[] =>
  list.map((column) => (typeof column === 'string' ? { name: column } : column));

/** A table over webhook output as the functions write it (uncompressed NDJSON, `dt=` folders). */
export const webhookTable = (table: Omit<WebhookTableDeployment, 'compressed'>): WebhookTableDeployment => ({
  ...table,
  compressed: false,
});
