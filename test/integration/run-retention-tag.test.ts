import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalS3, startLocalS3 } from '../../scripts/local/local-s3.js';
import { expiresWithRuns } from '../../shared/layout/index.js';
import { S3Sink } from '../../shared/output/s3-sink.js';

const BUCKET = 'retention-bucket';
let s3: LocalS3;

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
});
afterAll(() => s3.stop());

/**
 * The `x-amz-tagging` header each object write sent, by key, as it left for the server. s3rver stores tags only
 * through the tagging subresource and ignores the header S3 honours on PutObject and CreateMultipartUpload.
 */
function recordTagging(): Map<string, string | undefined> {
  const sent = new Map<string, string | undefined>();
  s3.client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as {
        method: string;
        path: string;
        query?: Record<string, unknown>;
        headers: Record<string, string>;
      };
      const query = request.query ?? {};
      const write = request.method === 'PUT' && !('partNumber' in query);
      const create = request.method === 'POST' && 'uploads' in query;
      if (write || create)
        sent.set(
          decodeURIComponent(request.path).replace(`/${BUCKET}/`, ''),
          request.headers['x-amz-tagging'],
        );
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordTagging' },
  );
  return sent;
}

describe('run files carry the retention tag the one lifecycle rule expires (issue 19, item 7)', () => {
  it('tags run parts and manifests in the request that writes them, and nothing of current state or tombstones', async () => {
    // Prepare
    const sent = recordTagging();
    const sink = new S3Sink({
      client: s3.client,
      bucket: BUCKET,
      prefix: 'snapshots/account=main',
      partSizeBytes: 5 * 1024 * 1024,
    });
    const run = 'cliniko/patients/dt=2026-12-01/run=20261201T030000Z-abc123';

    // Act
    const upload = sink.openUpload(`${run}/part-00000.ndjson.gz`, 'application/gzip');
    await upload.write(new TextEncoder().encode('{"id":1}\n'));
    await upload.finish();
    await sink.putText(`${run}/_manifest.json`, '{}\n');
    await sink.putText('cliniko/patients/current/v=20261201T030000Z-abc123/part-00000.ndjson.gz', 'x');
    await sink.putText(
      'cliniko/patients/deletions/dt=2026-12-01/run=20261201T030000Z-abc123/part-00000.ndjson.gz',
      'x',
    );

    // Assess: a multipart upload (CreateMultipartUpload) and a PutObject alike.
    const big = sink.openUpload(`${run}/part-00001.ndjson.gz`, 'application/gzip');
    await big.write(new Uint8Array(6 * 1024 * 1024));
    await big.finish();
    const tag = 'clinic-pipe-retention=run';
    const base = 'snapshots/account=main/cliniko/patients';
    expect(Object.fromEntries(sent)).toEqual({
      [`snapshots/account=main/${run}/part-00000.ndjson.gz`]: tag,
      [`snapshots/account=main/${run}/_manifest.json`]: tag,
      [`${base}/current/v=20261201T030000Z-abc123/part-00000.ndjson.gz`]: undefined,
      [`${base}/deletions/dt=2026-12-01/run=20261201T030000Z-abc123/part-00000.ndjson.gz`]: undefined,
      [`snapshots/account=main/${run}/part-00001.ndjson.gz`]: tag,
    });
    expect(await sink.list(run)).toHaveLength(3);
  });

  it('knows run files by the layout alone', () => {
    expect(expiresWithRuns('welkin/patients/dt=2026-12-01/run=r1/part-00001.ndjson.gz')).toBe(true);
    expect(expiresWithRuns('a/account=x/cliniko/invoices/dt=2026-12-01/run=r1/_copy_manifest.json')).toBe(
      true,
    );
    expect(expiresWithRuns('welkin/patients/current/_manifest.json')).toBe(false);
    expect(expiresWithRuns('welkin/patients/deletions/dt=2026-12-01/run=r1/part-00000.ndjson.gz')).toBe(
      false,
    );
    expect(expiresWithRuns('_state/welkin/patients.json')).toBe(false);
    expect(expiresWithRuns('welkin/patients/dt=2026-12-01/run=r1')).toBe(false);
  });
});
