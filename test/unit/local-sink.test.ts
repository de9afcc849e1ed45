import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, SinkError } from '../../shared/errors.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { S3Sink } from '../../shared/output/s3-sink.js';
import { sinkFromLocation } from '../../shared/output/sink-from-location.js';
import { StateStore } from '../../shared/state/resource-state.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'local-sink-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('LocalSink', () => {
  it('shows an upload under its key only once finished', async () => {
    // Prepare
    const sink = new LocalSink(root);
    const upload = sink.openUpload('a/b/part.ndjson');

    // Act
    await upload.write(Buffer.from('{"id":1}\n'));
    const whileOpen = await sink.list('a');
    await upload.finish();
    const afterFinish = await sink.list('a');

    // Assess
    expect(whileOpen).toEqual([]);
    expect(afterFinish).toEqual(['a/b/part.ndjson']);
    expect(await sink.getText('a/b/part.ndjson')).toBe('{"id":1}\n');
  });

  it('writes under a hidden temp name that no *.ndjson* glob matches, naming its process', async () => {
    // Prepare
    const sink = new LocalSink(root);
    const upload = sink.openUpload('a/part-00000.ndjson.gz');

    // Act: a write above the stream's buffer waits for the file to be open.
    await upload.write(Buffer.alloc(256 * 1024, 0x20));
    const names = await readdir(join(root, 'a'));
    await upload.abort();

    // Assess
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(new RegExp(`^\\.tmp-${process.pid}-[0-9a-f-]{36}\\.partial$`));
    expect(names[0]).not.toContain('ndjson');
  });

  it('leaves no file at all after an abort', async () => {
    // Prepare
    const sink = new LocalSink(root);
    const upload = sink.openUpload('a/part.ndjson');
    await upload.write(Buffer.alloc(256 * 1024, 1));

    // Act
    await upload.abort();

    // Assess
    expect(await readdir(join(root, 'a'))).toEqual([]);
  });

  it('writes only when absent', async () => {
    // Prepare
    const sink = new LocalSink(root);

    // Act
    const first = await sink.putTextIfAbsent('x/once.json', 'first');
    const second = await sink.putTextIfAbsent('x/once.json', 'second');

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await sink.getText('x/once.json')).toBe('first');
    expect(await readdir(join(root, 'x'))).toEqual(['once.json']);
  });

  it('answers undefined for a missing key and an empty list for a missing prefix', async () => {
    // Prepare
    const sink = new LocalSink(root);

    // Act
    const text = await sink.getText('nope.json');
    const keys = await sink.list('nowhere');

    // Assess
    expect(text).toBeUndefined();
    expect(keys).toEqual([]);
  });

  it('refuses keys that escape the folder', async () => {
    // Prepare
    const sink = new LocalSink(join(root, 'out'));

    // Act
    const act = sink.putText('../outside.json', '{}');

    // Assess
    await expect(act).rejects.toThrow(SinkError);
    await expect(act).rejects.toThrow('key escapes the output folder: ../outside.json');
  });
});

describe('sinkFromLocation', () => {
  it('maps s3:// locations to an S3 sink with bucket and prefix', () => {
    // Prepare
    const location = 's3://my-bucket/snapshots/account=main';

    // Act
    const sink = sinkFromLocation(location, {});

    // Assess
    expect(sink).toBeInstanceOf(S3Sink);
    expect(sink.location).toBe('s3://my-bucket/snapshots/account=main');
  });

  it('maps a folder to a local sink', () => {
    // Prepare
    const location = join(root, 'out');

    // Act
    const sink = sinkFromLocation(location, {});

    // Assess
    expect(sink).toBeInstanceOf(LocalSink);
    expect(sink.location).toBe(location);
  });

  it.each(['s3://', 's3://Bad_Bucket/x', 'https://example.com/out', 'gs://bucket/x'])(
    'refuses %s',
    (location) => {
      // Prepare
      const env = {};

      // Act
      const act = () => sinkFromLocation(location, env);

      // Assess
      expect(act).toThrow(ConfigError);
    },
  );
});

describe('StateStore', () => {
  it('round-trips the state of a resource', async () => {
    // Prepare
    const store = new StateStore(new LocalSink(root));
    const state = {
      watermark: '2026-01-01T00:00:00.000Z',
      lastRunId: 'r1',
      lastManifestKey: 'cliniko/patients/dt=2026-01-01/run=r1/_manifest.json',
      lastMode: 'full' as const,
      updatedAt: '2026-01-01T00:01:00.000Z',
    };

    // Act
    await store.put('cliniko', 'patients', state);
    const read = await store.get('cliniko', 'patients');
    const missing = await store.get('cliniko', 'invoices');

    // Assess
    expect(read).toEqual(state);
    expect(missing).toBeUndefined();
  });

  it.each([
    ['not JSON', '{oops', /is not JSON; delete it to force a full run/],
    ['the wrong shape', '{"watermark":1}', /is invalid; delete it to force a full run/],
  ])('names the state file and the way out when it holds %s', async (_case, text, message) => {
    // Prepare
    await rm(join(root, '_state'), { recursive: true, force: true });
    await new LocalSink(root).putText('_state/cliniko/patients.json', '');
    await writeFile(join(root, '_state/cliniko/patients.json'), text);

    // Act
    const act = new StateStore(new LocalSink(root)).get('cliniko', 'patients');

    // Assess
    await expect(act).rejects.toThrow(SinkError);
    await expect(act).rejects.toThrow(message);
    await expect(act).rejects.toThrow(`${root}/_state/cliniko/patients.json`);
  });
});
