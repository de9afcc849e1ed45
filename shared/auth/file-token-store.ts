import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuthError } from '../errors.js';
import { sleep } from '../http/request-budget.js';
import { type VersionedSecret, VersionedTokenStore } from './token-store.js';

interface FileContent {
  versionId: string;
  value: string;
  /** Recent version names with a hash of their value, for the "same name, other value" refusal. */
  recent: [string, string][];
}

const LOCK_STALE_MS = 10_000;
const KEEP_VERSIONS = 16;

const digest = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * A secret kept in a local file (mode 0600) for the CLI and the demo; several CLI processes on one machine
 * share it. Writes hold a lock file (O_EXCL) so the version check and the write are one step.
 */
class FileSecret implements VersionedSecret {
  constructor(private readonly path: string) {}

  async read(): Promise<{ value: string | undefined; versionId: string | undefined }> {
    const content = await this.load();
    return { value: content?.value, versionId: content?.versionId };
  }

  async put(value: string, versionToken: string): Promise<boolean> {
    return this.locked(async () => {
      const content = await this.load();
      const recent = content?.recent ?? [];
      const existing = recent.find(([name]) => name === versionToken);
      if (existing && existing[1] !== digest(value)) return false;
      const next: FileContent = {
        versionId: versionToken,
        value,
        recent: [
          ...recent.filter(([name]) => name !== versionToken),
          [versionToken, digest(value)] as [string, string],
        ].slice(-KEEP_VERSIONS),
      };
      const temp = `${this.path}.${randomUUID()}.tmp`;
      await writeFile(temp, JSON.stringify(next), { mode: 0o600 });
      await rename(temp, this.path);
      return true;
    });
  }

  private async load(): Promise<FileContent | undefined> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as FileContent;
    } catch {
      // Missing or unreadable: no token yet; the next write replaces the file.
      return undefined;
    }
  }

  private async locked<T>(action: () => Promise<T>): Promise<T> {
    const lock = `${this.path}.lock`;
    await mkdir(dirname(this.path), { recursive: true });
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(lock, 'wx', 0o600);
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new AuthError(
            `cannot lock the token file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
          );
        }
        const age = await stat(lock).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        // A process that died holding the lock must not block renewals for ever.
        if (age > LOCK_STALE_MS) await unlink(lock).catch(() => undefined);
        if (attempt > 500) throw new AuthError('token file stays locked; remove the .lock file next to it');
        await sleep(10 + Math.random() * 20);
      }
    }
    try {
      return await action();
    } finally {
      await unlink(lock).catch(() => undefined);
    }
  }
}

export class FileTokenStore extends VersionedTokenStore {
  constructor(readonly path: string) {
    super(new FileSecret(path));
  }
}
