/**
 * What an interrupted process must undo before it exits: temp files being written, and parts of runs that
 * never published a manifest. Each writer registers its undo while it works and unregisters when done; a
 * signal handler (the CLI's) runs whatever is registered. After that, nothing new may start writing.
 */
const undos = new Set<() => Promise<void>>();
let interrupted = false;

export function undoOnInterrupt(undo: () => Promise<void>): () => void {
  undos.add(undo);
  return () => {
    undos.delete(undo);
  };
}

/** True once `undoAll` began: writers must refuse to start new files. */
export function isInterrupted(): boolean {
  return interrupted;
}

export async function undoAll(): Promise<void> {
  interrupted = true;
  const pending = [...undos];
  undos.clear();
  await Promise.allSettled(pending.map((undo) => undo()));
}

/**
 * SIGINT / SIGTERM: remove unfinished files, then exit 130 / 143 (the shell's codes for those signals). A second
 * signal, or cleanup taking longer than `graceMs`, exits at once.
 */
export function exitCleanlyOnSignals(log: (line: string) => void, graceMs = 10_000): void {
  let exiting = false;
  const signals = [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const;
  for (const [signal, code] of signals) {
    process.on(signal, () => {
      if (exiting) process.exit(code);
      exiting = true;
      log(`${signal}: removing unfinished files, then exiting`);
      setTimeout(() => process.exit(code), graceMs).unref();
      void undoAll().finally(() => process.exit(code));
    });
  }
}
