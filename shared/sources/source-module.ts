import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { z } from 'zod';
import type { ResourceCatalog } from '../export/resource-catalog.js';
import type { SourceDeployment } from './deployment.js';

export type Env = Record<string, string | undefined>;

/** A source ready to export: its catalog, and what progress and log lines say about it. */
export interface SourceConnection {
  catalog: ResourceCatalog;
  /** HTTP requests made so far, for requests-per-minute progress lines. */
  requestCount(): number;
  /** Where the data comes from (tenant, instance) for log lines; never a credential. */
  logKeys: Record<string, string>;
}

/** A source's connection from its catalog and the one API client that pages it. */
export function connectionOf(
  { catalog, client }: { catalog: ResourceCatalog; client: { http: { requests: number } } },
  logKeys: Record<string, string> = {},
): SourceConnection {
  return { catalog, requestCount: () => client.http.requests, logKeys };
}

/** Where one Lambda invocation writes. Known before any secret is read: a discard must work with bad ones. */
export interface LambdaTarget {
  /** Below the output prefix; separates the accounts of one source (`account=main`); '' when there is one. */
  subPrefix: string;
  logKeys: Record<string, string>;
  /** Reads the credentials from Secrets Manager and connects. */
  connect(): Promise<SourceConnection>;
}

/**
 * One upstream system, as one folder under shared/ provides it. The CLI, the demo, the bench, the Lambda
 * handler factory and the stack all start from this; adding a source is a folder plus a line in the registry.
 */
export interface SourceModule {
  /** The output folder, the CLI argument and the tag on checkpoints. */
  readonly name: string;
  /** In table order; the catalog pages exactly these. */
  readonly resourceNames: readonly string[];
  /** Exported only when configured (and then named with --resources or by default): e.g. v1 audit_logs. */
  readonly optionalResourceNames?: readonly string[];
  /** Older names --resources still accepts, and the resource each now means (output goes to the new name). */
  readonly resourceAliases?: Readonly<Record<string, string>>;
  /** Resources the CLI exports at once unless EXPORT_CONCURRENCY says otherwise; they share one rate budget. */
  readonly cliConcurrency: number;
  /** Every variable `connectLocal` reads, with meaning and default: the CLI's help and the README check use it. */
  readonly localEnv: z.ZodObject<z.ZodRawShape>;
  /** CLI and demo: credentials from the environment, tokens cached in a local file. */
  connectLocal(env: Env): Promise<SourceConnection>;
  /** Lambda: settings from the function's environment, credentials from Secrets Manager. */
  lambdaTarget(env: Env, secrets: SecretsManagerClient, account: string | undefined): LambdaTarget;
  /** What the stack builds for this source (plain data). */
  readonly deployment: SourceDeployment;
}
