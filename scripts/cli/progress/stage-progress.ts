import { createLogUpdate } from 'log-update';
import { formatDuration } from './progress-board.js';

/** Long steps told one at a time: `begin` names the step, `note` gives a partial result, `end` its last. */
export interface StageProgress {
  begin(label: string): void;
  note(result: string): void;
  end(result: string): void;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * On a terminal the running step is one live line with its elapsed time (a bench step can take minutes of
 * silence otherwise), then one permanent line with how long it took and its result. Elsewhere: plain lines.
 */
export function stageProgress(stream: Stream, quiet = false): StageProgress {
  if (quiet) return { begin: () => undefined, note: () => undefined, end: () => undefined };
  if (stream.isTTY !== true) {
    const line = (result: string) => stream.write(`  ${result}\n`);
    return { begin: (label) => stream.write(`${label}...\n`), note: line, end: line };
  }
  const draw = createLogUpdate(stream);
  let label = '';
  let startedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const render = () => draw(`${label}... ${formatDuration((Date.now() - startedAt) / 1000)}`);
  return {
    begin: (next) => {
      [label, startedAt] = [next, Date.now()];
      render();
      timer = setInterval(render, 1_000).unref();
    },
    note: (result) => {
      draw.persist(`  ${result}`);
      render();
    },
    end: (result) => {
      clearInterval(timer);
      draw.persist(`  ${result}\n${label}: done in ${formatDuration((Date.now() - startedAt) / 1000)}`);
      draw.done();
    },
  };
}
