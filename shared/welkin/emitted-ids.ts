import { idHash52 } from '../export/id-hash.js';
import { IdLog } from '../export/id-log.js';

/**
 * What a Welkin full snapshot emitted, so a row edited mid-run is written once: ids emitted before the tail
 * (rows updated before the run started; 8 bytes each) and the hashes of those emitted in the tail (rows edited
 * during the run; few). Saved at a checkpoint and loaded by the continuation, so the guarantee holds across
 * invocations, not just within one.
 */
export class EmittedIds {
  constructor(
    private readonly beforeTail = new IdLog(),
    private readonly inTail = new Set<number>(),
  ) {}

  /** A row before the tail: always new (the cursor never serves one twice); logged for the tail's checks. */
  addBeforeTail(id: string): void {
    this.beforeTail.append(id);
  }

  /** A row in the tail: true when it was not emitted yet (and is now), false for a repeat to drop. */
  addInTail(id: string): boolean {
    const hash = idHash52(id);
    if (this.inTail.has(hash) || this.beforeTail.has(id)) return false;
    this.inTail.add(hash);
    return true;
  }

  /** `{"beforeTail": base64, "inTail": base64}` of 8-byte hashes. */
  save(): string {
    const tail = Buffer.from(new Float64Array([...this.inTail]).buffer);
    return JSON.stringify({
      beforeTail: this.beforeTail.save().toString('base64'),
      inTail: tail.toString('base64'),
    });
  }

  static load(saved: string): EmittedIds {
    const { beforeTail, inTail } = JSON.parse(saved) as { beforeTail?: unknown; inTail?: unknown };
    if (typeof beforeTail !== 'string' || typeof inTail !== 'string') {
      throw new Error('saved emitted ids are not {beforeTail, inTail}');
    }
    const bytes = Buffer.from(inTail, 'base64');
    if (bytes.length % 8 !== 0) throw new Error('saved tail hashes are not a whole number of 8-byte values');
    const hashes = new Set<number>();
    for (let offset = 0; offset < bytes.length; offset += 8) hashes.add(bytes.readDoubleLE(offset));
    return new EmittedIds(IdLog.load(Buffer.from(beforeTail, 'base64')), hashes);
  }
}
