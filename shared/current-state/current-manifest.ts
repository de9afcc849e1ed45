import { z } from 'zod';
import { fileEntrySchema } from '../output/manifest.js';

/**
 * `current/_manifest.json`: the one live version of a resource. `files[].path` is relative to `current/`.
 * `runIds` are the completed runs merged in by the publish that wrote it (more than one when an earlier
 * publish failed); `builtAt` is when it began reading, from which the next publish takes Welkin deletion
 * markers. `parquet` lists the columnar copy of the same version (absent before it existed).
 */
export const currentManifestSchema = z.object({
  source: z.string(),
  resource: z.string(),
  mode: z.literal('current'),
  asOf: z.object({ runId: z.string(), startedAt: z.string(), finishedAt: z.string() }),
  recordCount: z.number().int().nonnegative(),
  deletedCount: z.number().int().nonnegative(),
  files: z.array(fileEntrySchema),
  /** The same rows as Parquet (typed columns, `_schema.json` names them); paths relative to `current/`. */
  parquet: z.array(fileEntrySchema).optional(),
  builtAt: z.string(),
  runIds: z.array(z.string()),
});
export type CurrentManifest = z.infer<typeof currentManifestSchema>;
