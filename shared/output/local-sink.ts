import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { link, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { SinkError } from '../errors.js';
import { isInterrupted, undoOnInterrupt } from './interrupt-cleanup.js';
import type { Sink, Upload } from './sink.js';
import { isAbandonedTemp, isTempName, tempPathFor } from './temp-files.js';
import { walkFiles } from './walk-files.js';

/** A folder on disk. Files appear under their final name only when complete (write to a temp name, rename). */
export class LocalSink implements Sink {
  readonly location: string;

  constructor(root: string) {
    this.location = resolve(root);
  }

  private path(key: string): string {
    const full = resolve(this.location, key);
    if (full !== this.location && !full.startsWith(this.location + sep)) {
      throw new SinkError(`key escapes the output folder: ${key}`);
    }
    return full;
  }

  storageKey(key: string): string {
    return this.path(key);
  }

  openUpload(key: string): Upload {
    const target = this.path(key);
    const temp = tempPathFor(target);
    let stream: WriteStream | undefined;
    let failure: Error | undefined;
    let forget: (() => void) | undefined;
    const discard = async () => {
      forget?.();
      if (stream && !stream.closed) {
        const open = stream;
        // Not events.once: that would reject on an 'error' from a write still queued when destroyed.
        const closed = new Promise<void>((done) => open.once('close', () => done()));
        open.destroy();
        // Wait for the file to be closed: a stream still opening would otherwise create it after the rm.
        await closed;
      }
      await rm(temp, { force: true });
    };
    const open = async (): Promise<WriteStream> => {
      if (!stream) {
        refuseWhenInterrupted(target);
        forget = undoOnInterrupt(discard);
        await mkdir(dirname(target), { recursive: true });
        stream = createWriteStream(temp);
        // Kept for the stream's life: a write still queued when the upload is aborted fails harmlessly here
        // instead of surfacing as an uncaught 'error' event.
        stream.on('error', (error) => {
          failure ??= error;
        });
      }
      return stream;
    };
    return {
      write: async (chunk) => {
        const out = await open();
        // The cause's code stays in the line (ENOSPC: a full disk is the operator's to fix, not a retry's).
        if (failure)
          throw new SinkError(`writing ${target} failed: ${firstLine(failure)}`, { cause: failure });
        if (out.destroyed) throw new SinkError(`writing ${target} after it was aborted`);
        // events.once removes its listeners either way, so long files do not pile them up.
        if (!out.write(chunk))
          await once(out, 'drain').catch((error: unknown) => {
            throw new SinkError(`writing ${target} failed: ${firstLine(error)}`, { cause: error });
          });
      },
      finish: async () => {
        const out = await open();
        await new Promise<void>((done, fail) =>
          out.end((error?: Error | null) => {
            const cause = error ?? failure;
            if (cause) fail(new SinkError(`writing ${target} failed: ${firstLine(cause)}`, { cause }));
            else done();
          }),
        );
        await rename(temp, target);
        forget?.();
      },
      abort: discard,
    };
  }

  async putText(key: string, text: string): Promise<void> {
    const target = this.path(key);
    await withTemp(target, async (temp) => {
      await writeFile(temp, text);
      await rename(temp, target);
    });
  }

  async putTextIfAbsent(key: string, text: string): Promise<boolean> {
    const target = this.path(key);
    return withTemp(target, (temp) => linkIfAbsent(temp, target, text));
  }

  async getText(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async openRead(key: string): Promise<AsyncIterable<Uint8Array> | undefined> {
    try {
      // Opened first so a missing file is an undefined result, not a stream error later.
      const handle = await open(this.path(key), 'r');
      return handle.createReadStream({ highWaterMark: 256 * 1024 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    await walkFiles(this.path(prefix), (path, name) => {
      if (!isTempName(name)) keys.push(relative(this.location, path).split(sep).join('/'));
    });
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /** Removes temp files under `prefix` that a process which no longer runs left behind (killed mid-write). */
  async removeAbandonedTemps(prefix: string): Promise<number> {
    let removed = 0;
    await walkFiles(this.path(prefix), async (path, name) => {
      if (isTempName(name) && isAbandonedTemp(name, await modifiedMs(path))) {
        await rm(path, { force: true });
        removed += 1;
      }
    });
    return removed;
  }
}

/** A system error's first line, code included (`ENOSPC: no space left on device, write`). */
function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}

function refuseWhenInterrupted(target: string): void {
  if (isInterrupted()) throw new SinkError(`not starting ${target}: the process is being interrupted`);
}

/** Runs `write` with a fresh temp path next to `target`; the temp file is gone afterwards, or on interrupt. */
async function withTemp<T>(target: string, write: (temp: string) => Promise<T>): Promise<T> {
  refuseWhenInterrupted(target);
  await mkdir(dirname(target), { recursive: true });
  const temp = tempPathFor(target);
  const forget = undoOnInterrupt(() => rm(temp, { force: true }));
  try {
    return await write(temp);
  } finally {
    forget();
    await rm(temp, { force: true });
  }
}

async function linkIfAbsent(temp: string, target: string, text: string): Promise<boolean> {
  await writeFile(temp, text);
  try {
    // link() fails when the target exists, which makes the check-and-write atomic.
    await link(temp, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp);
  }
}

async function modifiedMs(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return Date.now();
  }
}
