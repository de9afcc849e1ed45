import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { welkinV1LambdaConfig } from '../../shared/welkin-v1/source.js';

const secrets = mockClient(SecretsManagerClient);
const CREDENTIALS_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:welkin-v1/credentials-AbCdEf';
const TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:welkin-v1/token-AbCdEf';
const ENV = { WELKIN_V1_CREDENTIALS_SECRET_ARN: CREDENTIALS_ARN, WELKIN_V1_TOKEN_SECRET_ARN: TOKEN_ARN };

function credentialsAre(value: unknown) {
  secrets
    .on(GetSecretValueCommand, { SecretId: CREDENTIALS_ARN })
    .resolves({ SecretString: JSON.stringify(value) });
}

describe('welkin-v1 in a Lambda: the neutral token-source config (shared/auth/lambda-config.ts)', () => {
  beforeEach(() => secrets.reset());

  it('takes the client from the secret (scope optional) and every other setting from the environment', async () => {
    // Prepare
    credentialsAre({ clientId: 'c1', clientSecret: 's1' });
    // Act
    const { config } = await welkinV1LambdaConfig(new SecretsManagerClient({ region: 'us-east-1' }), {
      ...ENV,
      WELKIN_V1_CLIENT_ID: 'not-this-one',
      WELKIN_V1_PAGE_SIZE: '50',
    });
    // Assess
    expect(config).toMatchObject({ clientId: 'c1', clientSecret: 's1', scope: 'all', pageSize: 50 });
  });

  it('names the bad fields of a wrong secret, never their values', async () => {
    // Prepare
    credentialsAre({ clientId: 'c1', clientSecret: '', scope: 7 });
    // Act
    const failure = await welkinV1LambdaConfig(new SecretsManagerClient({ region: 'us-east-1' }), ENV).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    // Assess
    expect(failure?.name).toBe('AuthError');
    expect(failure?.message).toMatch(
      /must be JSON \{clientId, clientSecret, scope\?\}; bad: clientSecret, scope$/,
    );
    expect(failure?.message).not.toContain('c1');
  });

  it('names the token secret variable when it is missing, before reading any secret', async () => {
    // Act
    const failure = await welkinV1LambdaConfig(new SecretsManagerClient({ region: 'us-east-1' }), {
      WELKIN_V1_CREDENTIALS_SECRET_ARN: CREDENTIALS_ARN,
    }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    // Assess
    expect(failure?.message).toMatch(/WELKIN_V1_TOKEN_SECRET_ARN/);
    expect(secrets.calls()).toHaveLength(0);
  });
});
