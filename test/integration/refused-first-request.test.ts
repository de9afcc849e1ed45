import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import { runExportInvocation } from '../../shared/lambda/run-invocation.js';
import { LocalSink } from '../../shared/output/local-sink.js';

/** A loopback port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ECONNREFUSED on the first request (issue 19, item 10)', () => {
  it('stops a Lambda invocation at once: one request, a ConfigError naming ECONNREFUSED, no retries', async () => {
    // Prepare
    const out = await mkdtemp(join(tmpdir(), 'refused-'));
    const port = await closedPort();
    const { catalog, client } = clinikoCatalog({
      apiKey: 'any-key-au1',
      userAgent: 'Clinic Pipe Tests (tests@example.com)',
      baseUrl: new URL(`http://127.0.0.1:${port}/v1`),
      requestsPerMinute: 100_000,
      timeoutMs: 2_000,
      retry: { retries: 6, baseDelayMs: 500, maxDelayMs: 4_000, rateLimitRetries: 1 },
    });
    const started = Date.now();

    // Act
    const failure = await runExportInvocation({
      request: { mode: 'full', resources: ['patients', 'invoices'] },
      catalog,
      sink: new LocalSink(out),
      settings: { compress: true, maxPartBytes: 1 << 20, overlapMs: 0, concurrency: 1 },
      remainingMs: () => 900_000,
      logger: new Logger({ serviceName: 'refused-test', logLevel: 'SILENT' }),
    }).then(
      () => undefined,
      (error: Error) => error,
    );
    await rm(out, { recursive: true, force: true });

    // Assess: with 6 retries of 0.5 s to 4 s backoff, any retry would take seconds.
    expect(failure?.name).toBe('ConfigError');
    expect(failure?.message).toMatch(/connection failed \(ECONNREFUSED\) on the first request/);
    expect(failure?.message).toMatch(/not started: (patients|invoices)$/);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(client.http.requests).toBe(1);
  });
});
