import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTokenStore } from '../../shared/auth/file-token-store.js';
import { RenewalLimit } from '../../shared/auth/renewal-limit.js';
import { type ProgressEvent, runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { welkinCatalog } from '../../shared/welkin/catalog.js';
import type { WelkinConfig } from '../../shared/welkin/config.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';

let sim: WelkinSimulator;
let folder: string;

function configWith(secret: string): WelkinConfig {
  return {
    tenant: sim.tenant,
    instance: sim.instance,
    clientName: sim.clientName,
    secret,
    env: 'live',
    baseUrl: new URL(sim.baseUrl),
    timeoutMs: 5_000,
    retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2, rateLimitRetries: 1 },
  };
}

/** Exports Welkin users with a token kept in `store`, as one CLI process would; keeps the notices. */
async function exportUsers(secret: string, store: FileTokenStore) {
  const { catalog } = welkinCatalog(configWith(secret), store, { limit: new RenewalLimit(), pollMs: 20 });
  const notices: string[] = [];
  const outcome = await runExport({
    catalog,
    sink: new LocalSink(join(folder, 'out')),
    settings: { compress: false, maxPartBytes: 1 << 20, overlapMs: 0 },
    mode: 'full',
    resources: ['users'],
    concurrency: 1,
    onProgress: (event: ProgressEvent) => {
      if (event.kind === 'notice') notices.push(event.message);
    },
  });
  return { outcome, notices };
}

beforeEach(async () => {
  sim = await startWelkinSimulator({ rowsPerResource: 5 });
  folder = await mkdtemp(join(tmpdir(), 'token-lease-'));
});

afterEach(async () => {
  await sim.stop();
  await rm(folder, { recursive: true, force: true });
});

describe('Welkin token renewal lease', () => {
  it('a failed token request releases its lease: the next run gets a token at once, without waiting', async () => {
    // Prepare
    const path = join(folder, 'token.json');

    // Act
    const refused = await exportUsers('wrong-secret', new FileTokenStore(path));
    const stored = JSON.parse(await readFile(path, 'utf8')) as { value: string };
    const next = await exportUsers(sim.secret, new FileTokenStore(path));

    // Assess
    expect(refused.outcome.failures[0]?.message).toMatch(/cannot obtain a Welkin token: .*401/);
    expect(JSON.parse(stored.value)).not.toHaveProperty('renewing');
    expect(next.outcome.failures).toEqual([]);
    expect(next.notices).toEqual([]);
    expect(sim.stats().tokenRequests).toBe(2);
  });

  it('a lease held by another process is told on one line, then taken over when it lapses', async () => {
    // Prepare: another process claimed the renewal and went quiet.
    const store = new FileTokenStore(join(folder, 'token.json'));
    const until = new Date(Date.now() + 1_500).toISOString();
    await store.claim((await store.read()).version, { owner: 'another-process', until });

    // Act
    const { outcome, notices } = await exportUsers(sim.secret, store);

    // Assess
    expect(outcome.failures).toEqual([]);
    expect(notices).toEqual([
      `Welkin token: another process is renewing it (its lease runs until ${until.slice(11, 19)} UTC); waiting for its token`,
    ]);
    expect(sim.stats().tokenRequests).toBe(1);
  });
});
