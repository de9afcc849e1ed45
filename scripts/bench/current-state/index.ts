/**
 * The current-state step alone as a bundled handler, for the benchmark: it is what the export handler runs
 * after a completed run, here in a process of its own so its time and peak RSS are its own.
 */
import { z } from 'zod';
import { publishCurrentState } from '../../../shared/current-state/publish-current-state.js';
import { outputEnvFrom, outputSink } from '../../../shared/lambda/output-env.js';
import { s3ClientFromEnv } from '../../../shared/output/s3-client.js';

const eventSchema = z.object({ source: z.string(), resource: z.string(), subPrefix: z.string().default('') });

export const handler = async (event: unknown) => {
  const { source, resource, subPrefix } = eventSchema.parse(event);
  const sink = outputSink(s3ClientFromEnv(), outputEnvFrom(process.env), subPrefix);
  const published = await publishCurrentState({
    sink,
    source,
    resource,
    compress: true,
    maxPartBytes: 256 * 1024 * 1024,
  });
  const manifest = published?.manifest;
  return {
    results: [{ recordCount: manifest?.recordCount ?? 0, deletedCount: manifest?.deletedCount ?? 0 }],
  };
};
