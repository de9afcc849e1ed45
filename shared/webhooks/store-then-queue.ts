import { describeError } from '../errors.js';
import type { Sink } from '../output/sink.js';

export type StoreThenQueueResult =
  | { ok: true; duplicate: boolean }
  | { ok: false; stage: 'store' | 'enqueue'; error: string; message: string };

/**
 * Stores a notice line once under `key`, then queues it for the pull. A redelivery (already stored) is queued
 * again: the first delivery's enqueue may be the step that failed, and the retry must still reach the queue.
 * A failure names its stage and carries the reply message that asks the sender to retry.
 */
export async function storeThenQueue(
  sink: Sink,
  key: string,
  line: string,
  enqueue: () => Promise<unknown>,
): Promise<StoreThenQueueResult> {
  let stored: boolean;
  try {
    stored = await sink.putTextIfAbsent(key, `${line}\n`, 'application/x-ndjson');
  } catch (error) {
    const message = 'could not store the notice; retry later';
    return { ok: false, stage: 'store', error: describeError(error), message };
  }
  try {
    await enqueue();
  } catch (error) {
    const message = 'could not queue the notice; retry later';
    return { ok: false, stage: 'enqueue', error: describeError(error), message };
  }
  return { ok: true, duplicate: !stored };
}
