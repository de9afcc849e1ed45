import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, SinkError } from '../errors.js';
import { checkFolder } from '../layout/index.js';
import { LocalSink } from './local-sink.js';
import { joinKey, type Sink } from './sink.js';
import {
  PERMANENT_STORAGE_CAUSES,
  type ProbeStep as Step,
  storageCause,
  storageHint,
} from './storage-cause.js';

/** What probing the output location found: one line either way. */
export interface OutputProbe {
  ok: boolean;
  location: string;
  message: string;
  /** The storage's own name for what failed (AccessDenied, NoSuchBucket, EACCES, ...); absent when ok. */
  cause?: string;
}

/**
 * Proves the run can use its output before any resource starts, so a missing bucket or permission is one
 * line naming the cause instead of one `read of … failed` per resource. S3: a probe object is put, read back,
 * listed and deleted under `_state/<source>/_check/` (inside the prefixes an export function is granted, and
 * outside every table's folder); a folder: it is created if need be and a probe file is written and removed
 * at its top, so a failed run leaves no folders behind.
 */
export async function probeOutput(sink: Sink, source: string): Promise<OutputProbe> {
  const name = `probe-${Date.now()}-${randomBytes(4).toString('hex')}.txt`;
  try {
    if (sink instanceof LocalSink) {
      const path = join(sink.location, `.${name}`);
      await step('write', async () => {
        await mkdir(sink.location, { recursive: true });
        await writeFile(path, PROBE_TEXT);
      });
      await step('delete', () => rm(path));
      return passed(sink, 'a probe file written and removed');
    }
    const folder = checkFolder(source);
    const key = joinKey(folder, name);
    await step('write', () => sink.putText(key, PROBE_TEXT, 'text/plain'));
    // Whatever fails after the write, the probe object is removed when it can be.
    const checked = (async () => {
      await step('read', async () => {
        if ((await sink.getText(key)) !== PROBE_TEXT)
          throw new SinkError('the probe object read back differs');
      });
      await step('list', async () => {
        if (!(await sink.list(folder)).includes(key))
          throw new SinkError('the listing lacks the probe object');
      });
    })();
    const outcome = await checked.then(
      () => undefined,
      (error: unknown) => error,
    );
    await step('delete', () => sink.delete(key)).catch((error: unknown) => {
      if (outcome === undefined) throw error;
    });
    if (outcome !== undefined) throw outcome;
    return passed(sink, 'a probe object put, read, listed and deleted');
  } catch (error) {
    const failed = error instanceof StepFailure ? error : new StepFailure('write', error);
    const cause = storageCause(failed.cause);
    const noun = sink instanceof LocalSink ? 'file' : 'object';
    return {
      ok: false,
      location: sink.location,
      cause,
      message: `output ${sink.location}: ${failed.step} of a probe ${noun} failed: ${cause} — ${storageHint(failed.step, cause)}`,
    };
  }
}

const PROBE_TEXT = 'clinic-pipe output probe\n';

/** Which step of the probe failed, around what it threw. */
class StepFailure extends Error {
  constructor(
    readonly step: Step,
    cause: unknown,
  ) {
    super(step, { cause });
    this.name = 'StepFailure';
  }
}

async function step(name: Step, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    throw new StepFailure(name, error);
  }
}

function passed(sink: Sink, what: string): OutputProbe {
  return { ok: true, location: sink.location, message: `output ${sink.location}: ok (${what})` };
}

/**
 * The start of every run: a failed probe stops it with its one line. A cause only a person can fix (a
 * permission, a missing bucket, refused credentials) is a ConfigError, which the state machine does not retry
 * and the CLI exits 2 for; anything else (a network blip, a 5xx) is a SinkError, retried like any failure.
 */
export async function assertOutputUsable(sink: Sink, source: string): Promise<void> {
  const probe = await probeOutput(sink, source);
  if (probe.ok) return;
  const permanent = probe.cause !== undefined && PERMANENT_STORAGE_CAUSES.has(probe.cause);
  throw permanent ? new ConfigError(probe.message) : new SinkError(probe.message);
}
