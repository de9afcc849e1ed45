import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTokenStore } from '../../shared/auth/file-token-store.js';
import { SecretsManagerTokenStore } from '../../shared/auth/secrets-manager-token-store.js';
import { claimVersionToken, MemoryTokenStore, type TokenStore } from '../../shared/auth/token-store.js';
import { AuthError } from '../../shared/errors.js';

const TOKEN = { token: 'header.payload.signature', expiresAt: '2026-01-01T01:00:00.000Z' };
const lease = (owner: string) => ({ owner, until: '2026-01-01T00:00:30.000Z' });

async function claimRace(store: TokenStore, claimers: number): Promise<number> {
  const { version } = await store.read();
  const results = await Promise.all(
    Array.from({ length: claimers }, (_, index) => store.claim(version, lease(`p${index}`))),
  );
  return results.filter(Boolean).length;
}

describe('MemoryTokenStore', () => {
  it('lets exactly one of many claimers of the same version win, and keeps the token while leased', async () => {
    // Prepare
    const store = new MemoryTokenStore();
    await store.write(TOKEN);

    // Act
    const winners = await claimRace(store, 20);
    const after = await store.read();

    // Assess
    expect(winners).toBe(1);
    expect(after.token).toEqual(TOKEN);
    expect(after.lease?.owner).toMatch(/^p\d+$/);
  });
});

describe('FileTokenStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'welkin-token-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shares one token between store instances, one claim winner, file mode 0600', async () => {
    // Prepare
    const path = join(dir, 'token.json');
    const writer = new FileTokenStore(path);
    const readers = Array.from({ length: 10 }, () => new FileTokenStore(path));
    const [first, , , , , sixth] = readers as [FileTokenStore, ...FileTokenStore[]];

    // Act
    const empty = await writer.read();
    await writer.write(TOKEN);
    const { version } = await first.read();
    const results = await Promise.all(
      readers.map((reader, index) => reader.claim(version, lease(`p${index}`))),
    );
    const read = await (sixth ?? first).read();

    // Assess
    expect(empty.token).toBeUndefined();
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(read.token).toEqual(TOKEN);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8')).versionId).toBe(read.version);
  });
});

describe('SecretsManagerTokenStore', () => {
  const sm = mockClient(SecretsManagerClient);

  beforeEach(() => {
    sm.reset();
  });

  it('claims with a ClientRequestToken derived from the version read, and reports a lost race as false', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(TOKEN), VersionId: 'v-1' });
    sm.on(PutSecretValueCommand)
      .resolvesOnce({})
      .rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    const store = new SecretsManagerTokenStore(
      new SecretsManagerClient({}),
      'arn:aws:secretsmanager:x:1:secret:welkin-token-AbC',
    );

    // Act
    const first = await store.claim('v-1', lease('a'));
    const second = await store.claim('v-1', lease('b'));

    // Assess
    expect([first, second]).toEqual([true, false]);
    const puts = sm.commandCalls(PutSecretValueCommand);
    expect(puts[0]?.args[0].input.ClientRequestToken).toBe(claimVersionToken('v-1'));
    expect(JSON.parse(puts[0]?.args[0].input.SecretString ?? '')).toEqual({ ...TOKEN, renewing: lease('a') });
  });

  it('reads a secret without a value as "no token" and names only the secret in errors', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejectsOnce(
      new ResourceNotFoundException({ message: 'no AWSCURRENT', $metadata: {} }),
    );
    sm.on(PutSecretValueCommand).rejects(
      Object.assign(new Error(`denied ${TOKEN.token}`), { name: 'AccessDeniedException' }),
    );
    const store = new SecretsManagerTokenStore(
      new SecretsManagerClient({}),
      'arn:aws:secretsmanager:x:1:secret:welkin-token-AbC',
    );

    // Act
    const snapshot = await store.read();
    const failure = await store.write(TOKEN).catch((error: unknown) => error);

    // Assess
    expect(snapshot).toEqual({ version: undefined });
    expect(failure).toBeInstanceOf(AuthError);
    expect((failure as Error).message).toBe('cannot write secret welkin-token-AbC: AccessDeniedException');
  });
});
