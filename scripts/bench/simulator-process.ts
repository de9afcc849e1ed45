import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface SimulatorProcess<Info> {
  info: Info;
  stop(): Promise<void>;
}

/** Starts a simulator in its own process (see simulator-child.ts) and waits until it listens. */
export async function startSimulatorProcess<Info>(
  kind: 'cliniko' | 'welkin' | 'welkin-v1',
  options: Record<string, unknown>,
): Promise<SimulatorProcess<Info>> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve('scripts/bench/simulator-child.ts'), kind, JSON.stringify(options)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const line = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (first) => {
      lines.close();
      done(first);
    });
    child.once('exit', (code) => fail(new Error(`${kind} simulator exited (${code}) before listening`)));
  });
  return {
    info: JSON.parse(line) as Info,
    stop: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
