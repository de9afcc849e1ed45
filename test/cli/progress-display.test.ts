import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LiveProgress } from '../../scripts/cli/progress/live-progress.js';
import { PlainProgress } from '../../scripts/cli/progress/plain-progress.js';
import { ProgressBoard } from '../../scripts/cli/progress/progress-board.js';
import { progressReporter } from '../../scripts/cli/progress/progress-reporter.js';
import type { ResourceResult } from '../../shared/export/run-export.js';

/** A stream that says it is a terminal and keeps what was written. */
function fakeTerminal(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { isTTY, columns: 120, rows: 40, text: () => chunks.join('') });
}

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const result = (resource: string, recordCount: number): ResourceResult => ({
  source: 'cliniko',
  resource,
  runId: 'r1',
  mode: 'full',
  manifestKey: `cliniko/${resource}/_manifest.json`,
  recordCount,
});

describe('progress display switch', () => {
  it('draws live lines on a terminal', () => {
    // Prepare
    const terminal = fakeTerminal(true);
    const lines: string[] = [];

    // Act
    const reporter = progressReporter({
      source: 'cliniko',
      requestCount: () => 0,
      err: (l) => lines.push(l),
      stream: terminal,
    });
    reporter.stop();

    // Assess
    expect(reporter).toBeInstanceOf(LiveProgress);
    expect(lines).toEqual([]);
  });

  it.each([
    ['a pipe', fakeTerminal(false)],
    ['no stream at all', undefined],
  ])('writes plain lines to %s', (_case, stream) => {
    // Act
    const reporter = progressReporter({
      source: 'cliniko',
      requestCount: () => 0,
      err: () => undefined,
      stream,
    });

    // Assess
    expect(reporter).toBeInstanceOf(PlainProgress);
  });
});

describe('live progress', () => {
  it('redraws one line per running resource in place and leaves one line per finished resource', () => {
    // Prepare
    const terminal = fakeTerminal(true);
    const time = clock();
    let requests = 0;
    const live = new LiveProgress(
      { source: 'cliniko', requestCount: () => requests, err: () => undefined, now: time.now },
      terminal,
    );

    // Act
    live.onEvent({ kind: 'started', resource: 'settings' });
    time.advance(1_000);
    requests = 5;
    live.onEvent({ kind: 'page', resource: 'patients', records: 100, pages: 1, total: 400 });
    time.advance(1_000);
    live.onEvent({ kind: 'page', resource: 'invoices', records: 50, pages: 1 });
    time.advance(29_000);
    requests = 60;
    live.onEvent({ kind: 'page', resource: 'patients', records: 200, pages: 2 });
    live.onEvent({ kind: 'done', resource: 'invoices', result: result('invoices', 50) });
    live.stop();

    // Assess
    const text = terminal.text();
    expect(text).toContain('\u001b[2K'); // erase line: redrawn in place, not appended
    expect(text).toMatch(/cliniko: 0 done · 0 failed · 1 running · 0 rows · 0 req\/min · 0:00/);
    expect(text).toContain('settings  0 rows, 0 pages');
    expect(text).toMatch(/cliniko: 0 done · 0 failed · 3 running · 150 rows · \d+ req\/min · 0:0\d/);
    expect(text).toContain('patients  100 rows, 1 pages, 25% of 400');
    expect(text).toMatch(/patients {2}200 rows, 2 pages, 50% of 400, ~0:3\d left/);
    expect(text).toContain('cliniko/invoices: done, 50 rows (full)');
  });
});

describe('live progress of a whole run', () => {
  it('says N of M done and estimates the time left once a resource has finished', () => {
    // Prepare
    const terminal = fakeTerminal(true);
    const time = clock();
    const live = new LiveProgress(
      { source: 'cliniko', requestCount: () => 0, resourceCount: 4, err: () => undefined, now: time.now },
      terminal,
    );

    // Act: one of four resources finishes after 30 s.
    live.onEvent({ kind: 'started', resource: 'patients' });
    time.advance(30_000);
    live.onEvent({ kind: 'done', resource: 'patients', result: result('patients', 10) });
    live.stop();

    // Assess
    const text = terminal.text();
    expect(text).toMatch(/cliniko: 0 of 4 done · 0 failed · 1 running/);
    expect(text).toMatch(
      /cliniko: 1 of 4 done · 0 failed · 0 running · 10 rows · 0 req\/min · 0:30 \(~1:30 left\)/,
    );
  });
});

describe('plain progress', () => {
  it('writes throttled lines without escape sequences, with an estimate when a total is known', () => {
    // Prepare
    const time = clock();
    const lines: string[] = [];
    const plain = new PlainProgress({
      source: 'cliniko',
      requestCount: () => 30,
      err: (l) => lines.push(l),
      now: time.now,
    });

    // Act
    time.advance(2_500);
    plain.onEvent({ kind: 'page', resource: 'patients', records: 100, pages: 1, total: 300 });
    time.advance(500);
    plain.onEvent({ kind: 'page', resource: 'patients', records: 200, pages: 2 });
    time.advance(2_000);
    plain.onEvent({ kind: 'page', resource: 'patients', records: 250, pages: 3 });
    plain.onEvent({ kind: 'failed', resource: 'taxes', message: 'cliniko/taxes: boom\u001b[31m' });
    plain.stop();

    // Assess
    expect(lines).toEqual([
      'cliniko/patients: 100 rows, 1 pages, 33% of 300, 720 req/min',
      'cliniko/patients: 250 rows, 3 pages, 83% of 300, ~0:01 left, 360 req/min',
      'error: cliniko/taxes: boom\\u001b[31m',
    ]);
  });
});

describe('estimates', () => {
  it('projects the time left from the rate so far, and gives none without a total', () => {
    // Prepare
    const time = clock();
    const board = new ProgressBoard(time.now);
    const withTotal = board.apply({ kind: 'page', resource: 'patients', records: 0, pages: 0, total: 1_000 });
    const withoutTotal = board.apply({ kind: 'page', resource: 'taxes', records: 10, pages: 1 });

    // Act
    time.advance(10_000);
    board.apply({ kind: 'page', resource: 'patients', records: 250, pages: 3 });
    const estimate = board.estimate(withTotal);

    // Assess
    expect(estimate).toEqual({ fraction: 0.25, secondsLeft: 30 });
    expect(board.estimate(withoutTotal)).toBeUndefined();
  });
});
