import { describe, expect, it } from 'vitest';
import { runExportCli } from '../../scripts/export.js';
import { envVarDocs } from '../../shared/env-docs.js';
import { exportSettingsEnvSchema } from '../../shared/export/export-settings.js';
import { s3ClientEnvSchema } from '../../shared/output/s3-client.js';
import { SOURCES } from '../../shared/sources/registry.js';

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runExportCli(argv, {
    env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err };
}

describe('export --help is generated from the registry, schemas and resource tables', () => {
  it('lists every source, option, variable with its default, and resource name', async () => {
    // Act
    const { code, out } = await run(['--help']);

    // Assess
    expect(code).toBe(0);
    for (const option of ['--out', '--resources', '--full', '--help']) expect(out).toContain(option);
    const common = [exportSettingsEnvSchema, s3ClientEnvSchema].flatMap(envVarDocs);
    for (const source of SOURCES) {
      expect(out).toContain(`${source.name}:`);
      for (const name of source.resourceNames) expect(out).toMatch(new RegExp(`[ ,]${name}(,|\\n|$)`));
      for (const doc of [...envVarDocs(source.localEnv), ...common]) {
        const label = doc.defaultText === 'required' ? 'required' : `default: ${doc.defaultText}`;
        expect(out).toMatch(
          new RegExp(`${doc.name} +${escapeRegExp(label)} +${escapeRegExp(doc.description)}`),
        );
      }
    }
  });

  it('documents every variable with a meaning and a default', () => {
    // Act
    const docs = [exportSettingsEnvSchema, s3ClientEnvSchema, ...SOURCES.map((s) => s.localEnv)].flatMap(
      envVarDocs,
    );

    // Assess
    for (const doc of docs) {
      expect(doc.description, doc.name).not.toBe('');
      expect(doc.defaultText, doc.name).not.toBe('');
    }
  });

  it('shows one source alone after `<source> --help`', async () => {
    // Prepare
    const [first, second] = SOURCES;

    // Act
    const { code, out } = await run([first?.name ?? '', '--help']);

    // Assess
    expect(code).toBe(0);
    expect(out).toContain(`${first?.name}:`);
    expect(out).not.toContain(`\n${second?.name}:`);
    expect(out).toContain('environment, every source:');
  });
});

/** `NAME: what is wrong — what to do` on one line. */
const SHAPE = /^\S+: [^—\n]+ — [^\n]+$/;

describe('usage errors: one line in the one shape, exit 2', () => {
  it.each([
    [['cliniko', '--out', 'x', '--ful'], '--ful: unknown option — did you mean --full?'],
    [['--out', 'x'], '<source>: missing — name one of: cliniko, welkin'],
    [['clinko', '--out', 'x'], '<source>: "clinko" is not a source — use one of: cliniko, welkin'],
    [['cliniko', 'patients', '--out', 'x'], 'patients: unexpected argument — '],
    [['cliniko'], '--out: missing — give a folder or s3://bucket/prefix'],
    [['cliniko', '--out'], '--out: needs a value — write --out <dir | s3://bucket/prefix>'],
    [['cliniko', '--out', 'x', '--full=yes'], '--full: takes no value — write --full alone'],
    [['cliniko', '--out', 'x', '--resources', ','], '--resources: names no resource — use names from: '],
    [
      ['welkin', '--out', 'x', '--resources', 'PATIENT'],
      '--resources: "PATIENT" not a welkin resource — use',
    ],
    [
      ['cliniko', '--out', 's3:/bucket/x'],
      '--out: "s3:/bucket/x" is not an S3 location — write s3://bucket/',
    ],
  ])('%j', async (argv, start) => {
    // Act
    const { code, err } = await run(argv);

    // Assess
    expect(code).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(SHAPE);
    expect(err[0]?.startsWith(start)).toBe(true);
  });

  it('lists the valid names when a resource list is wrong', async () => {
    // Act
    const { err } = await run(['welkin', '--out', 'x', '--resources', 'patients,,CDT_RECORD']);

    // Assess
    expect(err[0]).toContain('"CDT_RECORD" not a welkin resource');
    expect(err[0]).toContain('patients, cdt_records, pdt_records');
  });

  it('reports configuration before contacting anything, in the same shape', async () => {
    // Prepare
    const env = { CLINIKO_REQUESTS_PER_MINUTE: 'fast' };

    // Act
    const { code, err } = await run(['cliniko', '--out', 'unused'], env);

    // Assess
    expect(code).toBe(2);
    expect(err).toHaveLength(1);
    for (const problem of err[0]?.split('; ') ?? []) expect(problem).toMatch(SHAPE);
    expect(err[0]).toContain('CLINIKO_API_KEY: not set — ');
    expect(err[0]).toContain('CLINIKO_REQUESTS_PER_MINUTE: not a number — ');
  });

  it('escapes control characters typed into an argument', async () => {
    // Act
    const { err } = await run(['cliniko', '--out', 'x', '--resources', 'pa\u001b[2Jtients']);

    // Assess
    expect(err[0]).toContain('pa\\u001b[2Jtients');
    expect(err[0]).not.toContain('\u001b');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
