import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCANNED = ['shared', 'infra', 'functions', 'scripts'];
const LAYOUT = 'shared/layout/';

/** Fragments only a key or prefix of the product's layout has (see shared/layout/index.ts). */
const KEY_FRAGMENTS: ReadonlyArray<[string, RegExp]> = [
  ['a day folder', /\bdt=/],
  ['a run folder', /\brun=/],
  ['an account folder', /\baccount=/],
  ['a current version folder', /\bv=\$\{/],
  ['the state folder', /['"`/]_state\b/],
  ['the failures folder', /\b_failures\b/],
  [
    'a manifest, schema or symlink name',
    /_manifest\.json|_copy_manifest|_schema\.json|_symlink|symlink\.txt/,
  ],
  ['a webhook folder', /\bwelkin-(?:v1-)?(?:events|changes|realtime|deletions)(?![-\w])/],
  ['a part file name', /\bpart-(?:\d|\$\{)/],
  ['a pager memory name', /\bemitted-\$\{/],
  ['the Athena results folder', /['"`/]athena-results\b/],
  ['the current-state folder', /['"`/]current\/|\/current['"`]/],
  ['the tombstones folder', /['"`/]deletions\//],
];

/**
 * Lines that mention a layout name but build no key (text for people, an API path): file → the line's text (trimmed).
 * Each entry says why; a new hand-built key fails the test instead of joining this list.
 */
const NOT_KEYS: Readonly<Record<string, readonly string[]>> = {
  // An API path of Welkin's (formations), not an S3 key.
  'shared/welkin/resources.ts': ["upstream: 'formations/current/programs',"],
  // The bench's printed target, a sentence.
  'scripts/bench/current-state.ts': [
    "'each step (NDJSON + _schema.json + Parquet): rows/s >= the export (vsExportRatio >= 1), peak RSS <= 160 MB',",
  ],
};

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Code lines of a file: block comments, JSDoc lines and `// …` comments removed. */
function codeLines(text: string): Array<[number, string]> {
  const withoutBlocks = text.replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, ' '));
  return withoutBlocks
    .split('\n')
    .map((line, i): [number, string] => [i + 1, line.replace(/(^|\s)\/\/\s.*$/, '').trim()])
    .filter(([, line]) => line.length > 0);
}

function handBuiltKeys(): string[] {
  const found: string[] = [];
  for (const file of SCANNED.flatMap(tsFiles)) {
    const path = relative(ROOT, join(ROOT, file)).split('\\').join('/');
    if (path.startsWith(LAYOUT)) continue;
    for (const [number, line] of codeLines(readFileSync(join(ROOT, file), 'utf8'))) {
      if (NOT_KEYS[path]?.includes(line)) continue;
      for (const [what, fragment] of KEY_FRAGMENTS) {
        if (fragment.test(line)) found.push(`${path}:${number}: ${what}: ${line}`);
      }
    }
  }
  return found;
}

describe('keys are named by shared/layout only', () => {
  it('no file under shared/, infra/, functions/ or scripts/ builds a layout key by hand', () => {
    expect(handBuiltKeys()).toEqual([]);
  });

  it('the scan sees the layout itself and the files that use it', () => {
    const files = SCANNED.flatMap(tsFiles).map((file) => file.split('\\').join('/'));
    expect(files).toContain('shared/layout/runs.ts');
    expect(files).toContain('shared/lambda/stopped-execution.ts');
    const layout = codeLines(readFileSync(join(ROOT, 'shared/layout/runs.ts'), 'utf8'));
    expect(layout.some(([, line]) => KEY_FRAGMENTS.some(([, fragment]) => fragment.test(line)))).toBe(true);
  });

  it('a key built by hand is found', () => {
    const sample = "const key = joinKey('_failures', source, 'dt=' + day, name); // a comment: run=1";
    const hits = codeLines(sample).flatMap(([, line]) =>
      KEY_FRAGMENTS.filter(([, fragment]) => fragment.test(line)).map(([what]) => what),
    );
    expect(hits).toEqual(['a day folder', 'the failures folder']);
  });
});
