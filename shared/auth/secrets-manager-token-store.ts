import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { putSecretVersion, readSecretVersion } from '../secrets.js';
import { type VersionedSecret, VersionedTokenStore } from './token-store.js';

/**
 * The token secret in Secrets Manager. A claim is a PutSecretValue whose ClientRequestToken is derived from the
 * version read, so of many functions that saw the same expired token exactly one may renew it.
 */
export class SecretsManagerTokenStore extends VersionedTokenStore {
  constructor(client: SecretsManagerClient, secretId: string) {
    const secret: VersionedSecret = {
      read: () => readSecretVersion(client, secretId),
      put: (value, versionToken) => putSecretVersion(client, secretId, value, versionToken),
    };
    super(secret);
  }
}
