import { RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SecretDeployment } from '../../shared/sources/deployment.js';

export interface SourceSecretsProps {
  readonly key: IKey;
  readonly secrets: readonly SecretDeployment[];
  /** Configured accounts, for per-account secrets. */
  readonly accounts: readonly string[];
}

/**
 * The credentials of one source, created with placeholder values only: operators put the real values in after
 * deploy (`aws secretsmanager put-secret-value`), so no value ever sits in code, context or a template.
 * CloudFormation leaves a put value alone as long as the placeholder is unchanged. No fixed names and not
 * retained: a failed first deploy rolls them back completely, and the retry does not meet "already exists"
 * (a deleted secret's name stays reserved for 7 to 30 days). Their names are stack outputs.
 */
export class SourceSecrets extends Construct {
  /** By secret id, then by account ('' for secrets that are not per account). */
  private readonly byId = new Map<string, Map<string, Secret>>();

  constructor(scope: Construct, id: string, props: SourceSecretsProps) {
    super(scope, id);
    for (const spec of props.secrets) {
      const perAccount = new Map<string, Secret>();
      for (const account of spec.perAccount ? props.accounts : ['']) {
        const suffix = account ? `-${account}` : '';
        perAccount.set(account, this.create(`${spec.id}${suffix}`, spec, account, props.key));
      }
      this.byId.set(spec.id, perAccount);
    }
  }

  /** Every secret of one id: one per account, or a single one under ''. */
  of(id: string): ReadonlyMap<string, Secret> {
    const found = this.byId.get(id);
    if (!found) throw new Error(`the source declares no secret ${id}`);
    return found;
  }

  get all(): Secret[] {
    return [...this.byId.values()].flatMap((m) => [...m.values()]);
  }

  private create(id: string, spec: SecretDeployment, account: string, key: IKey): Secret {
    const description = account ? `${spec.description} (account ${account})` : spec.description;
    const secret = spec.generatedLength
      ? new Secret(this, id, {
          description,
          encryptionKey: key,
          removalPolicy: RemovalPolicy.DESTROY,
          generateSecretString: { passwordLength: spec.generatedLength, excludePunctuation: true },
        })
      : new Secret(this, id, {
          description,
          encryptionKey: key,
          removalPolicy: RemovalPolicy.DESTROY,
          // Placeholder shape only (empty strings): documents the expected JSON, carries no credential.
          secretStringValue: SecretValue.unsafePlainText(JSON.stringify(spec.placeholder ?? {})),
        });
    for (const rule of ['AwsSolutions-SMG4', 'HIPAA.Security-SecretsManagerRotationEnabled']) {
      Validations.of(secret).acknowledge({
        id: rule,
        reason: `No automatic rotation: ${spec.noRotationReason}.`,
      });
    }
    return secret;
  }
}
