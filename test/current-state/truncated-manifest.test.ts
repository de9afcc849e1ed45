import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completedRunsAfter } from '../../shared/current-state/pending-runs.js';
import { publishCurrentState } from '../../shared/current-state/publish-current-state.js';
import { LocalSink } from '../../shared/output/local-sink.js';

let root: string;
let sink: LocalSink;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'truncated-'));
  sink = new LocalSink(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('a truncated manifest (issue 19, item 10)', () => {
  it('of the current state: fails with the resource and the remedy', async () => {
    // Prepare
    await sink.putText('cliniko/patients/current/_manifest.json', '{"source":"cliniko","resour');

    // Act
    const failure = publishCurrentState({
      sink,
      source: 'cliniko',
      resource: 'patients',
      compress: true,
      maxPartBytes: 1 << 20,
    });

    // Assess
    await expect(failure).rejects.toMatchObject({
      name: 'CurrentStateError',
      message: expect.stringMatching(
        /^cliniko\/patients: .*current\/_manifest\.json is not a current-state manifest \(truncated or edited\); restore its previous version .* or delete it, and the next run rebuilds/,
      ),
    });
  });

  it('of a run: fails with the resource and the remedy', async () => {
    // Prepare
    await sink.putText('welkin/patients/dt=2026-12-01/run=20261201T030000Z-abc123/_manifest.json', '{"sour');

    // Act
    const failure = completedRunsAfter(
      sink,
      'welkin',
      'patients',
      undefined,
      new Date('2026-12-02T00:00:00Z'),
    );

    // Assess
    await expect(failure).rejects.toThrow(
      /^welkin\/patients: .*run=20261201T030000Z-abc123\/_manifest\.json is not a run manifest .*\(truncated or edited\); restore its previous version .*or delete that run folder and run a full export$/,
    );
  });
});
