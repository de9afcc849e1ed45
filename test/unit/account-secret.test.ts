import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readClinikoApiKey, resolveAccountSecret } from '../../shared/cliniko/account-secret.js';
import { AuthError, ConfigError } from '../../shared/errors.js';

const ARN_MAIN = 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:cliniko/main-AbCdEf';
const ARN_EAST = 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:cliniko/east-GhIjKl';

describe('resolveAccountSecret', () => {
  it('uses the only configured account when none is named', () => {
    // Prepare
    const env = { CLINIKO_SECRET_ARNS: JSON.stringify({ east: ARN_EAST }) };

    // Act
    const resolved = resolveAccountSecret(env, undefined);

    // Assess
    expect(resolved).toEqual({ account: 'east', secretId: ARN_EAST });
  });

  it('falls back to "main" when several accounts exist and none is named', () => {
    // Prepare
    const env = { CLINIKO_SECRET_ARNS: JSON.stringify({ east: ARN_EAST, main: ARN_MAIN }) };

    // Act
    const resolved = resolveAccountSecret(env, undefined);

    // Assess
    expect(resolved).toEqual({ account: 'main', secretId: ARN_MAIN });
  });

  it('uses the named account', () => {
    // Prepare
    const env = { CLINIKO_SECRET_ARNS: JSON.stringify({ east: ARN_EAST, main: ARN_MAIN }) };

    // Act
    const resolved = resolveAccountSecret(env, 'east');

    // Assess
    expect(resolved).toEqual({ account: 'east', secretId: ARN_EAST });
  });

  it.each(['west', 'constructor', '__proto__', 'toString'])(
    'refuses the unknown account %s and lists the configured ones',
    (account) => {
      // Prepare
      const env = { CLINIKO_SECRET_ARNS: JSON.stringify({ east: ARN_EAST, main: ARN_MAIN }) };

      // Act
      const act = () => resolveAccountSecret(env, account);

      // Assess
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(`account: unknown Cliniko account "${account}" — use one of: east, main`);
    },
  );

  it('refuses several accounts without "main" when none is named', () => {
    // Prepare
    const env = { CLINIKO_SECRET_ARNS: JSON.stringify({ east: ARN_EAST, west: ARN_MAIN }) };

    // Act
    const act = () => resolveAccountSecret(env, undefined);

    // Assess
    expect(act).toThrow(ConfigError);
  });

  it.each([undefined, '', 'not json', '[]', '{"bad name":"arn"}', '{"main":""}'])(
    'refuses CLINIKO_SECRET_ARNS=%j',
    (value) => {
      // Prepare
      const env = { CLINIKO_SECRET_ARNS: value };

      // Act
      const act = () => resolveAccountSecret(env, undefined);

      // Assess
      expect(act).toThrow('CLINIKO_SECRET_ARNS: not a JSON object of account names to secret ARNs');
    },
  );
});

describe('readClinikoApiKey', () => {
  const secrets = mockClient(SecretsManagerClient);

  beforeEach(() => {
    secrets.reset();
  });

  it('returns the apiKey field of the secret', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand, { SecretId: ARN_MAIN })
      .resolves({ SecretString: '{"apiKey":"k-au2"}' });

    // Act
    const apiKey = await readClinikoApiKey(new SecretsManagerClient({}), ARN_MAIN);

    // Assess
    expect(apiKey).toBe('k-au2');
  });

  it.each(['{"key":"k-au2"}', 'k-au2', '{"apiKey":""}'])(
    'refuses the secret value %j without printing it',
    async (value) => {
      // Prepare
      secrets.on(GetSecretValueCommand).resolves({ SecretString: value });

      // Act
      const act = readClinikoApiKey(new SecretsManagerClient({}), ARN_MAIN);

      // Assess
      await expect(act).rejects.toThrow(AuthError);
      const message = await act.then(
        () => '',
        (error: Error) => error.message,
      );
      expect(message).toContain('cliniko/main-AbCdEf');
      expect(message).not.toContain('k-au2');
    },
  );

  it('reports an unreadable secret by name and error code', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));

    // Act
    const act = readClinikoApiKey(new SecretsManagerClient({}), ARN_MAIN);

    // Assess
    await expect(act).rejects.toThrow('cannot read secret cliniko/main-AbCdEf: AccessDeniedException');
  });
});
