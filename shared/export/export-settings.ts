import { z } from 'zod';
import { parseEnv } from '../config-error.js';

/** The knobs every source shares; help, README checks and error messages come from here. */
export const exportSettingsEnvSchema = z.object({
  EXPORT_COMPRESS: z.enum(['true', 'false']).default('true').meta({
    description: 'true to gzip parts, false for plain NDJSON',
  }),
  EXPORT_MAX_PART_MB: z.coerce.number().positive().default(256).meta({
    description: 'the stored size in MB at which a new part file starts',
  }),
  EXPORT_OVERLAP_MINUTES: z.coerce.number().nonnegative().default(15).meta({
    description: 'the minutes before the watermark at which incremental runs start',
  }),
  EXPORT_RUN_DEADLINE_MINUTES: z.coerce.number().positive().optional().meta({
    description:
      'the minutes after which a whole run is stopped, every resource at once, with one error line',
    fallback: '360 (CLI); 15 s before the Lambda timeout',
  }),
  EXPORT_CONCURRENCY: z.coerce.number().int().positive().max(16).optional().meta({
    description: 'the number of resources exported at once, 1 to 16 (they share the rate budget)',
    fallback: '3 (CLI), 2 (Lambda)',
  }),
});

export interface ExportSettings {
  compress: boolean;
  maxPartBytes: number;
  overlapMs: number;
  concurrency?: number;
  /** The run watchdog: every request is stopped when a run lasts this long (absent: the caller's default). */
  runDeadlineMs?: number;
}

/** Knobs shared by every source, from the environment (CLI and Lambda alike). */
export function exportSettingsFrom(env: Record<string, string | undefined>): ExportSettings {
  const values = parseEnv(exportSettingsEnvSchema, env);
  return {
    compress: values.EXPORT_COMPRESS === 'true',
    maxPartBytes: Math.round(values.EXPORT_MAX_PART_MB * 1024 * 1024),
    overlapMs: values.EXPORT_OVERLAP_MINUTES * 60_000,
    concurrency: values.EXPORT_CONCURRENCY,
    runDeadlineMs:
      values.EXPORT_RUN_DEADLINE_MINUTES === undefined
        ? undefined
        : values.EXPORT_RUN_DEADLINE_MINUTES * 60_000,
  };
}
