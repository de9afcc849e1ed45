import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, ConfigError, HttpError } from '../../shared/errors.js';
import { RunStop, stopsTheRun } from '../../shared/export/run-stop.js';
import { AttemptDeadline, RunStoppedError } from '../../shared/http/request-deadline.js';

const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(warning.name);

afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('RunStop', () => {
  it('lets many requests listen to the run at once without a listener warning, and stops them all', async () => {
    // Prepare
    process.on('warning', onWarning);
    const stop = new RunStop();
    const attempts = Array.from({ length: 50 }, () => new AttemptDeadline(60_000, stop.signal));

    // Act
    stop.stop(new RunStoppedError('stopped for the test'));
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(warnings).toEqual([]);
    expect(attempts.every((attempt) => attempt.ended?.kind === 'run-stopped')).toBe(true);
    for (const attempt of attempts) attempt.dispose();
    stop.dispose();
  });

  it('stops the run on what no retry fixes, not on an ordinary HTTP failure', () => {
    // Act
    const verdicts = [
      new AuthError('rejected'),
      new ConfigError('wrong host'),
      new HttpError('server error 502', 502, 'GET x'),
    ].map(stopsTheRun);

    // Assess
    expect(verdicts).toEqual([true, true, false]);
  });
});
