import { type EnvVarDoc, envVarDocs } from '../../shared/env-docs.js';
import { exportSettingsEnvSchema } from '../../shared/export/export-settings.js';
import { s3ClientEnvSchema } from '../../shared/output/s3-client.js';
import type { SourceModule } from '../../shared/sources/source-module.js';
import { EXPORT_OPTIONS } from './options.js';

/** Variables every source reads in the CLI: export knobs and the S3 client. */
export const COMMON_ENV = [exportSettingsEnvSchema, s3ClientEnvSchema];

/**
 * `--help`, generated from the option table, the config schemas and the resource tables, so it lists
 * exactly what the code accepts. With a source: that source alone.
 */
export function exportHelp(sources: readonly SourceModule[], only?: SourceModule): string {
  const names = sources.map((source) => source.name).join('|');
  const lines = [
    `usage: npm run export -- <${names}> --out <dir | s3://bucket/prefix> [--resources a,b] [--full]`,
    `       npm run export -- <${names}> --out <dir | s3://bucket/prefix> [--resources a,b] --check`,
    `       npm run export -- [<${names}>] --help`,
    '',
    'Exports the resources of one source as NDJSON snapshots into a folder or S3. Progress goes to stderr',
    '(one live line per resource on a terminal), a summary to stdout. Exit code: 0 when every resource',
    'completed, 1 when one failed, 2 for a usage or configuration error. --check exports nothing: it makes',
    'the first request of each resource as a run would and probes --out, prints one line each, and exits 0',
    'only when all are ok.',
    '',
    `sources: ${sources.map((source) => source.name).join(', ')}`,
    '',
    'options:',
    ...optionLines(),
    '',
    'environment, every source:',
    ...envLines(COMMON_ENV.flatMap(envVarDocs)),
  ];
  for (const source of only ? [only] : sources) lines.push('', ...sourceSection(source));
  return lines.join('\n');
}

function optionLines(): string[] {
  const rows = Object.entries(EXPORT_OPTIONS).map(([name, spec]) => ({
    left: `--${name}${'value' in spec ? ` ${spec.value}` : ''}`,
    meaning: spec.meaning,
  }));
  const width = Math.max(...rows.map((row) => row.left.length));
  return rows.map((row) => `  ${row.left.padEnd(width)}  ${row.meaning}`);
}

function sourceSection(source: SourceModule): string[] {
  return [
    `${source.name}:`,
    '  environment:',
    ...envLines(envVarDocs(source.localEnv), '    '),
    `  resources (${source.resourceNames.length}):`,
    ...wrap(source.resourceNames, '    ', 100),
    ...(source.optionalResourceNames?.length
      ? [`  only when configured (see above): ${source.optionalResourceNames.join(', ')}`]
      : []),
    ...(source.resourceAliases && Object.keys(source.resourceAliases).length > 0
      ? [
          `  older names accepted by --resources: ${Object.entries(source.resourceAliases)
            .map(([old, now]) => `${old} = ${now}`)
            .join(', ')}`,
        ]
      : []),
  ];
}

function envLines(docs: readonly EnvVarDoc[], indent = '  '): string[] {
  const nameWidth = Math.max(...docs.map((doc) => doc.name.length));
  const defaultWidth = Math.max(...docs.map((doc) => defaultLabel(doc).length));
  return docs.map(
    (doc) =>
      `${indent}${doc.name.padEnd(nameWidth)}  ${defaultLabel(doc).padEnd(defaultWidth)}  ${doc.description}`,
  );
}

function defaultLabel(doc: EnvVarDoc): string {
  return doc.defaultText === 'required' ? 'required' : `default: ${doc.defaultText}`;
}

/** Comma-separated names in lines of at most `width` characters. */
function wrap(names: readonly string[], indent: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const [index, name] of names.entries()) {
    const item = index < names.length - 1 ? `${name},` : name;
    if (line && indent.length + line.length + 1 + item.length > width) {
      lines.push(`${indent}${line}`);
      line = item;
    } else {
      line = line ? `${line} ${item}` : item;
    }
  }
  if (line) lines.push(`${indent}${line}`);
  return lines;
}
