import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { S3Sink } from '../../shared/output/s3-sink.js';
import { sinkFromLocation } from '../../shared/output/sink-from-location.js';

function messageOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('sinkFromLocation refuses what only looks like a location', () => {
  it.each(['s3:/bucket/x', 's3:bucket/x', 'S3:/bucket'])(
    'refuses %s and shows the s3:// form',
    (location) => {
      // Act
      const message = messageOf(() => sinkFromLocation(location, {}));

      // Assess
      expect(message).toBe(
        `--out: "${location}" is not an S3 location — write s3://bucket/prefix (two slashes)`,
      );
    },
  );

  it.each(['s3://', 's3://Bad_Bucket/x', 's3://a'])('refuses the bucket of %s', (location) => {
    // Act
    const message = messageOf(() => sinkFromLocation(location, {}));

    // Assess
    expect(message).toMatch(/^--out: ".*" has no valid bucket name — write s3:\/\/bucket\/prefix$/);
  });

  it.each(['gs://bucket/x', 'https://example.com/out', 'file:/tmp/x'])(
    'refuses the scheme of %s',
    (location) => {
      // Act
      const message = messageOf(() => sinkFromLocation(location, {}));

      // Assess
      expect(message).toMatch(/^--out: ".*" is not supported — use a folder or s3:\/\/bucket\/prefix$/);
    },
  );

  it('names the option it was given', () => {
    // Act
    const message = messageOf(() => sinkFromLocation('s3:/b/x', {}, '--target'));

    // Assess
    expect(message.startsWith('--target: ')).toBe(true);
  });

  it.each([
    ['s3://my-bucket/snapshots', S3Sink],
    ['out/demo', LocalSink],
    ['./s3-copies/x', LocalSink],
    ['C:\\exports', LocalSink],
  ])('accepts %s', (location, kind) => {
    // Act
    const sink = sinkFromLocation(location, {});

    // Assess
    expect(sink).toBeInstanceOf(kind);
  });
});
