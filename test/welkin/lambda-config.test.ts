import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { welkinLambdaConfig } from '../../shared/welkin/source.js';

const secrets = mockClient(SecretsManagerClient);
const CREDENTIALS_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:welkin/credentials-AbCdEf';
const TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:welkin/token-AbCdEf';

describe('welkinLambdaConfig (the export and the webhook worker alike)', () => {
  beforeEach(() => {
    secrets.reset();
    secrets.on(GetSecretValueCommand, { SecretId: CREDENTIALS_ARN }).resolves({
      SecretString: JSON.stringify({
        tenant: 'gh',
        instance: 'sb-demo',
        clientName: 'c',
        secret: 's',
        env: 'sandbox',
      }),
    });
  });

  it('takes the API client from the secret and every other setting from the environment, as the CLI does', async () => {
    // Prepare
    const env = {
      WELKIN_CREDENTIALS_SECRET_ARN: CREDENTIALS_ARN,
      WELKIN_TOKEN_SECRET_ARN: TOKEN_ARN,
      WELKIN_TIMEOUT_MS: '4321',
      WELKIN_REQUESTS_PER_MINUTE: '90',
      // The secret names the client; an environment that disagrees does not win.
      WELKIN_TENANT: 'other-tenant',
    };

    // Act
    const { config } = await welkinLambdaConfig(new SecretsManagerClient({ region: 'us-east-1' }), env);

    // Assess
    expect(config).toMatchObject({
      tenant: 'gh',
      instance: 'sb-demo',
      clientName: 'c',
      env: 'sandbox',
      timeoutMs: 4321,
      requestsPerMinute: 90,
    });
    expect(config.baseUrl.origin).toBe('https://api.sandbox.welkincloud.io');
  });

  it('names the token secret variable when it is missing, before reading any secret', async () => {
    // Prepare
    const env = { WELKIN_CREDENTIALS_SECRET_ARN: CREDENTIALS_ARN };

    // Act
    const failure = await welkinLambdaConfig(new SecretsManagerClient({ region: 'us-east-1' }), env).catch(
      (error: unknown) => error,
    );

    // Assess
    expect((failure as Error).name).toBe('ConfigError');
    expect((failure as Error).message).toMatch(/^WELKIN_TOKEN_SECRET_ARN: not set/);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
