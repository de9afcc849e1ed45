import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stageProgress } from '../../scripts/cli/progress/stage-progress.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  const writable = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(writable, { isTTY, columns: 100, rows: 30, text: () => chunks.join('') });
}

describe('bench stages', () => {
  it('draws the running step live on a terminal, then leaves its results and time', () => {
    // Prepare
    const terminal = stream(true);
    const stages = stageProgress(terminal);

    // Act
    stages.begin('cliniko: rate');
    stages.note('{"small":1}');
    stages.end('{"big":2}');

    // Assess
    const text = terminal.text();
    expect(text).toContain('cliniko: rate... 0:00');
    expect(text).toContain('\u001b[2K');
    expect(text).toMatch(/ {2}\{"small":1\}\n/);
    expect(text).toMatch(/ {2}\{"big":2\}\ncliniko: rate: done in 0:00/);
  });

  it('writes plain lines elsewhere, and nothing when quiet', () => {
    // Prepare
    const pipe = stream(false);
    const silent = stream(false);

    // Act
    for (const stages of [stageProgress(pipe), stageProgress(silent, true)]) {
      stages.begin('welkin: tokens');
      stages.note('a');
      stages.end('b');
    }

    // Assess
    expect(pipe.text()).toBe('welkin: tokens...\n  a\n  b\n');
    expect(silent.text()).toBe('');
  });
});
