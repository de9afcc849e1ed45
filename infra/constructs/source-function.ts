import { Duration, Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { FunctionDeployment } from '../../shared/sources/deployment.js';
import type { Functions } from './functions.js';
import { grantPrefixes, grantSecretRead, grantSecretReadWrite } from './grants.js';
import type { SourceSecrets } from './source-secrets.js';

export interface SourceFunctionContext {
  readonly functions: Functions;
  readonly bucket: IBucket;
  readonly key: IKey;
  readonly outputPrefix: string;
  readonly secrets: SourceSecrets;
  /** Account folder names (`account=<name>`) a `{account}` prefix expands to. */
  readonly accountFolders: readonly string[];
  /** The source's deploy settings; missing ones are left out of the environment (synth only). */
  readonly settings: Readonly<Record<string, string | undefined>>;
}

/**
 * One Lambda function of a source as its deployment describes it: the secrets' ARNs in the named env vars
 * (a JSON map account -> ARN for per-account secrets), read access to exactly those secrets (write only to
 * token caches), and read/write to exactly its prefixes.
 */
export function addSourceFunction(
  context: SourceFunctionContext,
  id: string,
  spec: FunctionDeployment,
  environment: Record<string, string> = {},
): NodejsFunction {
  const stack = Stack.of(context.bucket);
  const secretEnv: Record<string, string> = {};
  for (const access of spec.secrets) {
    const secrets = context.secrets.of(access.secret);
    const single = secrets.get('');
    secretEnv[access.env] = single
      ? single.secretArn
      : stack.toJsonString(Object.fromEntries([...secrets].map(([account, s]) => [account, s.secretArn])));
  }
  const settingsEnv = Object.fromEntries(
    Object.entries(spec.settingsEnvironment ?? {}).flatMap(([env, setting]) => {
      const value = context.settings[setting];
      return value === undefined ? [] : [[env, value]];
    }),
  );
  const fn = context.functions.add(id, {
    entryDir: spec.entryDir,
    serviceName: spec.entryDir,
    description: spec.description,
    timeout: Duration.seconds(spec.timeoutSeconds),
    memorySize: spec.memoryMb,
    reservedConcurrentExecutions: spec.reservedConcurrency,
    environment: { ...spec.environment, ...settingsEnv, ...secretEnv, ...environment },
  });
  for (const access of spec.secrets) {
    for (const secret of context.secrets.of(access.secret).values()) {
      if (access.write) grantSecretReadWrite(fn, secret, context.key);
      else grantSecretRead(fn, secret, context.key);
    }
  }
  const prefixes = spec.prefixes.flatMap((prefix) =>
    prefix === '{account}'
      ? context.accountFolders.map((folder) => `${context.outputPrefix}/${folder}`)
      : [`${context.outputPrefix}/${prefix}`],
  );
  grantPrefixes(fn, context.bucket, context.key, prefixes);
  return fn;
}
