import { describe, expect, it } from 'vitest';
import { clinikoConfigFrom } from '../../shared/cliniko/config.js';
import { parseEnv, problemLine } from '../../shared/config-error.js';
import { ConfigError } from '../../shared/errors.js';
import { exportSettingsEnvSchema, exportSettingsFrom } from '../../shared/export/export-settings.js';
import { outputEnvFrom } from '../../shared/lambda/output-env.js';
import { welkinConfigFrom } from '../../shared/welkin/config.js';

/** `NAME: what is wrong — what to do`, several joined by "; " on one line. */
const ONE_PROBLEM = /^[A-Z][A-Z0-9_]+: [^—;]+ — [^—]+$/;

function messageOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config errors speak one shape', () => {
  it.each([
    ['cliniko, nothing set', () => clinikoConfigFrom({})],
    ['cliniko, empty key', () => clinikoConfigFrom({ CLINIKO_API_KEY: '', CLINIKO_USER_AGENT: 'x' })],
    [
      'cliniko, rate not a number',
      () =>
        clinikoConfigFrom({
          CLINIKO_API_KEY: 'k-au1',
          CLINIKO_USER_AGENT: 'A (a@b.co)',
          CLINIKO_REQUESTS_PER_MINUTE: 'fast',
        }),
    ],
    ['welkin, bad env', () => welkinConfigFrom({ WELKIN_ENV: 'prod', WELKIN_TENANT: 'a/b' })],
    ['export settings', () => exportSettingsFrom({ EXPORT_CONCURRENCY: '99', EXPORT_COMPRESS: 'yes' })],
    ['lambda output', () => outputEnvFrom({})],
  ])('%s', (_case, act) => {
    // Act
    const message = messageOf(act);

    // Assess
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/Invalid input|expected \w+, received|is required/);
    for (const problem of message.split('; ')) expect(problem).toMatch(ONE_PROBLEM);
  });

  it('says the same for an empty variable as for a missing one', () => {
    // Prepare
    const base = { CLINIKO_USER_AGENT: 'Acme (it@acme.example)' };

    // Act
    const missing = messageOf(() => clinikoConfigFrom(base));
    const empty = messageOf(() => clinikoConfigFrom({ ...base, CLINIKO_API_KEY: '' }));

    // Assess
    expect(empty).toBe(missing);
    expect(missing).toMatch(/^CLINIKO_API_KEY: not set — set it to the Cliniko API key/);
  });

  it('names the default to get back, and never echoes the value', () => {
    // Prepare
    const env = { CLINIKO_API_KEY: 'k-au1', CLINIKO_USER_AGENT: 'A (a@b.co)', CLINIKO_TIMEOUT_MS: '2.5s' };

    // Act
    const message = messageOf(() => clinikoConfigFrom(env));

    // Assess
    expect(message).toBe(
      'CLINIKO_TIMEOUT_MS: not a number — set it to the deadline of one request, headers and body, in ' +
        'milliseconds, or unset it for 30000',
    );
    expect(message).not.toContain('2.5s');
  });

  it('applies defaults to empty variables', () => {
    // Prepare
    const env = { EXPORT_MAX_PART_MB: '', EXPORT_COMPRESS: '' };

    // Act
    const values = parseEnv(exportSettingsEnvSchema, env);

    // Assess
    expect(values).toEqual({ EXPORT_COMPRESS: 'true', EXPORT_MAX_PART_MB: 256, EXPORT_OVERLAP_MINUTES: 15 });
  });

  it('formats a hand-made problem the same way', () => {
    // Act
    const line = problemLine('--out', 'missing', 'give a folder or s3://bucket/prefix');

    // Assess
    expect(line).toBe('--out: missing — give a folder or s3://bucket/prefix');
  });
});
