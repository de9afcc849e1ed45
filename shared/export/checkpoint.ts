import { z } from 'zod';
import { fileEntrySchema } from '../output/manifest.js';

/**
 * Everything needed to continue a run in another process: the window stays frozen, parts already stored are
 * kept, and paging resumes after the last stored record, so a continued run has no gap and no duplicate.
 */
export const resourceCheckpointSchema = z.object({
  resource: z.string(),
  runId: z.string(),
  mode: z.enum(['full', 'incremental']),
  startedAt: z.string(),
  since: z.string().optional(),
  until: z.string(),
  cursor: z.string().optional(),
  nextPartIndex: z.number().int().nonnegative(),
  recordCount: z.number().int().nonnegative(),
  files: z.array(fileEntrySchema),
  /** Where the pager's memory (ids emitted so far) was saved at this checkpoint, beside the run. */
  memoryKey: z.string().optional(),
});
export type ResourceCheckpoint = z.infer<typeof resourceCheckpointSchema>;
