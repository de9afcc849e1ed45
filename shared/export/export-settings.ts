import { z } from 'zod';
import { ConfigError } from '../errors.js';

const schema = z.object({
  EXPORT_COMPRESS: z.enum(['true', 'false']).default('true'),
  EXPORT_MAX_PART_MB: z.coerce.number().positive().default(256),
  EXPORT_OVERLAP_MINUTES: z.coerce.number().nonnegative().default(15),
  EXPORT_CONCURRENCY: z.coerce.number().int().positive().max(16).optional(),
});

export interface ExportSettings {
  compress: boolean;
  maxPartBytes: number;
  overlapMs: number;
  concurrency?: number;
}

/** Knobs shared by every source, from the environment (CLI and Lambda alike). */
export function exportSettingsFrom(env: Record<string, string | undefined>): ExportSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  }
  return {
    compress: parsed.data.EXPORT_COMPRESS === 'true',
    maxPartBytes: Math.round(parsed.data.EXPORT_MAX_PART_MB * 1024 * 1024),
    overlapMs: parsed.data.EXPORT_OVERLAP_MINUTES * 60_000,
    concurrency: parsed.data.EXPORT_CONCURRENCY,
  };
}
