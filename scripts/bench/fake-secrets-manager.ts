import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Just enough of the Secrets Manager JSON protocol (GetSecretValue) for running a bundled handler locally.
 */
export async function startFakeSecretsManager(
  secrets: Record<string, string>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
      const value = SecretId ? secrets[SecretId] : undefined;
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target.endsWith('GetSecretValue') && value !== undefined) {
        res.end(JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: value }));
      } else {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'not found' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
