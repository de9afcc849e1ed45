import { z } from 'zod';
import { SinkError } from '../errors.js';
import { stateKey } from '../layout/index.js';
import type { Sink } from '../output/sink.js';

/** What the next incremental run needs; advanced only after a run's data and manifest are written. */
export const resourceStateSchema = z.object({
  /** Upper bound of the last completed run's window (its start time): the next run resumes from here. */
  watermark: z.string(),
  lastRunId: z.string(),
  lastManifestKey: z.string(),
  lastMode: z.enum(['full', 'incremental']),
  updatedAt: z.string(),
});
export type ResourceState = z.infer<typeof resourceStateSchema>;

/** Per-resource state stored beside the output, so a new machine or Lambda picks up where the last left off. */
export class StateStore {
  constructor(private readonly sink: Sink) {}

  async get(source: string, resource: string): Promise<ResourceState | undefined> {
    const key = stateKey(source, resource);
    const text = await this.sink.getText(key);
    if (text === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new SinkError(
        `state file ${this.sink.location}/${key} is not JSON; delete it to force a full run`,
        {
          cause: error,
        },
      );
    }
    const parsed = resourceStateSchema.safeParse(json);
    if (!parsed.success) {
      throw new SinkError(
        `state file ${this.sink.location}/${key} is invalid; delete it to force a full run`,
      );
    }
    return parsed.data;
  }

  async put(source: string, resource: string, state: ResourceState): Promise<void> {
    await this.sink.putText(stateKey(source, resource), `${JSON.stringify(state, null, 2)}\n`);
  }
}
