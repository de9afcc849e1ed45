import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface StoredSecret {
  value?: string;
  versionId?: string;
  /** ClientRequestToken -> value: Secrets Manager refuses a reused token with another value. */
  versions: Map<string, string>;
}

/**
 * Just enough of the Secrets Manager JSON protocol (GetSecretValue, PutSecretValue with ClientRequestToken) to
 * run bundled handlers locally, including the Welkin token store's compare-and-set writes.
 */
export async function startFakeSecretsManager(
  initial: Record<string, string | undefined>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const secrets = new Map<string, StoredSecret>(
    Object.entries(initial).map(([id, value]) => [
      id,
      { value, versionId: value === undefined ? undefined : randomUUID(), versions: new Map() },
    ]),
  );
  const answer = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) });
  const handle = (
    target: string,
    input: { SecretId?: string; SecretString?: string; ClientRequestToken?: string },
  ) => {
    const secret = input.SecretId ? secrets.get(input.SecretId) : undefined;
    if (!secret) return answer(400, { __type: 'ResourceNotFoundException', message: 'not found' });
    if (target.endsWith('GetSecretValue')) {
      if (secret.value === undefined)
        return answer(400, { __type: 'ResourceNotFoundException', message: 'no value' });
      return answer(200, {
        ARN: input.SecretId,
        Name: input.SecretId,
        SecretString: secret.value,
        VersionId: secret.versionId,
      });
    }
    if (target.endsWith('PutSecretValue')) {
      const token = input.ClientRequestToken ?? randomUUID();
      const previous = secret.versions.get(token);
      if (previous !== undefined && previous !== input.SecretString) {
        return answer(400, { __type: 'ResourceExistsException', message: 'version exists' });
      }
      secret.versions.set(token, input.SecretString ?? '');
      secret.value = input.SecretString;
      secret.versionId = token;
      return answer(200, { ARN: input.SecretId, Name: input.SecretId, VersionId: token });
    }
    return answer(400, { __type: 'InvalidRequestException', message: 'unsupported' });
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const { status, body: text } = handle(
        String(req.headers['x-amz-target'] ?? ''),
        JSON.parse(body || '{}'),
      );
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
