import { RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface SecretsProps {
  readonly key: IKey;
  readonly clinikoAccounts: readonly string[];
  readonly welkin: boolean;
  readonly webhook: boolean;
}

/**
 * Every credential the pipeline uses, created with placeholder values only: operators put the real
 * values in after deploy (`aws secretsmanager put-secret-value`), so no value ever sits in code,
 * context or a template. CloudFormation leaves a put value alone as long as the placeholder is unchanged.
 */
export class Secrets extends Construct {
  readonly cliniko = new Map<string, Secret>();
  readonly welkinCredentials?: Secret;
  readonly welkinToken?: Secret;
  readonly webhookSecret?: Secret;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    const base = Stack.of(this).stackName;

    for (const account of props.clinikoAccounts) {
      this.cliniko.set(
        account,
        this.placeholder(`Cliniko-${account}`, `${base}/cliniko/${account}`, props.key, {
          description: `Cliniko API key for account "${account}": {"apiKey": "..."}`,
          value: { apiKey: '' },
        }),
      );
    }
    if (props.welkin) {
      this.welkinCredentials = this.placeholder(
        'WelkinCredentials',
        `${base}/welkin/credentials`,
        props.key,
        {
          description: 'Welkin API client: {"tenant","instance","clientName","secret","env"}',
          value: { tenant: '', instance: '', clientName: '', secret: '', env: 'live' },
        },
      );
      this.welkinToken = this.placeholder('WelkinToken', `${base}/welkin/token-cache`, props.key, {
        description: 'Welkin access-token cache written by the functions: {"token","expiresAt"}',
        value: {},
      });
    }
    if (props.webhook) {
      // A random value the operator copies into the Welkin webhook's custom header.
      this.webhookSecret = new Secret(this, 'WebhookSecret', {
        secretName: `${base}/welkin/webhook-secret`,
        description: 'Shared secret Welkin sends in the webhook header (X-Webhook-Secret)',
        encryptionKey: props.key,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      acknowledgeRotation(
        this.webhookSecret,
        'the value is also configured in Welkin; rotate both together per the runbook',
      );
    }
  }

  private placeholder(
    id: string,
    name: string,
    key: IKey,
    opts: { description: string; value: Record<string, string> },
  ): Secret {
    const secret = new Secret(this, id, {
      secretName: name,
      description: opts.description,
      encryptionKey: key,
      // Placeholder shape only (empty strings): documents the expected JSON, carries no credential.
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(opts.value)),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeRotation(
      secret,
      id === 'WelkinToken'
        ? 'the functions replace this cached token whenever it nears expiry (hourly); rotation Lambdas do not apply'
        : 'vendor-issued API credential with no rotation API; rotated by hand per the runbook',
    );
    return secret;
  }
}

function acknowledgeRotation(secret: Secret, why: string): void {
  for (const id of ['AwsSolutions-SMG4', 'HIPAA.Security-SecretsManagerRotationEnabled']) {
    Validations.of(secret).acknowledge({ id, reason: `No automatic rotation: ${why}.` });
  }
}
