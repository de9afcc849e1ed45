import { z } from 'zod';

export const fileEntrySchema = z.object({
  path: z.string(),
  recordCount: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type FileEntry = z.infer<typeof fileEntrySchema>;

/** Written last in a run folder: its presence is what marks the snapshot complete. */
export const manifestSchema = z.object({
  source: z.string(),
  resource: z.string(),
  runId: z.string(),
  mode: z.enum(['full', 'incremental']),
  startedAt: z.string(),
  finishedAt: z.string(),
  recordCount: z.number().int().nonnegative(),
  watermark: z.string(),
  /** Lower bound of an incremental window (watermark of the previous run minus the overlap). */
  since: z.string().optional(),
  /** The member that identifies a record when it is not `id` (see ResourcePager.key); the current state keys on it. */
  key: z.string().optional(),
  files: z.array(fileEntrySchema),
});
export type Manifest = z.infer<typeof manifestSchema>;
