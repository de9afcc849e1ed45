import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type Dirent, type WriteStream } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { SinkError } from '../errors.js';
import type { Sink, Upload } from './sink.js';

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
    const temp = `${target}.${randomUUID()}.partial`;
    let stream: WriteStream | undefined;
    let failure: Error | undefined;
    const open = async (): Promise<WriteStream> => {
      if (!stream) {
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
        if (failure) throw new SinkError(`writing ${target} failed`, { cause: failure });
        // events.once removes its listeners either way, so long files do not pile them up.
        if (!out.write(chunk)) await once(out, 'drain');
      },
      finish: async () => {
        const out = await open();
        await new Promise<void>((done, fail) =>
          out.end((error?: Error | null) => (error ? fail(error) : done())),
        );
        await rename(temp, target);
      },
      abort: async () => {
        stream?.destroy();
        await rm(temp, { force: true });
      },
    };
  }

  async putText(key: string, text: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.partial`;
    await writeFile(temp, text);
    await rename(temp, target);
  }

  async putTextIfAbsent(key: string, text: string): Promise<boolean> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.partial`;
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

  async getText(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = this.path(prefix);
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.endsWith('.partial'))
          keys.push(relative(this.location, full).split(sep).join('/'));
      }
    };
    await walk(base);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
