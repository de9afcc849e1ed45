import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { FunctionDeployment } from '../../shared/sources/deployment.js';
import { SOURCES } from '../../shared/sources/registry.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const README = readFileSync(join(REPO, 'README.md'), 'utf8');

type EnvSchema = z.ZodObject<z.ZodRawShape>;

/** Passed through to child processes, never configuration. */
const NOT_CONFIGURATION = new Set(['PATH']);
const SCANNED = ['shared', 'functions', 'scripts', 'simulators', 'infra'];
const READS = [/\b(?:process\.)?env\??\.([A-Z][A-Z0-9_]+)\b/g, /\benv\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\]/g];

/** `export const fooEnvSchema = z.object(`: how every config module declares what it reads. */
const SCHEMA_EXPORT = /export const (\w+EnvSchema) = z\s*\.object\(/g;

/**
 * Every config schema: each `…EnvSchema` exported by a source file (found by scanning, so a new config module
 * is checked without being listed here), and each source module's `localEnv`.
 */
export async function envSchemas(): Promise<EnvSchema[]> {
  const schemas: EnvSchema[] = SOURCES.map((source) => source.localEnv);
  for (const file of SCANNED.flatMap((folder) => sourceFiles(join(REPO, folder)))) {
    const names = [...readFileSync(file, 'utf8').matchAll(SCHEMA_EXPORT)].map((match) => match[1] as string);
    if (names.length === 0) continue;
    const module = (await import(file)) as Record<string, unknown>;
    for (const name of names)
      if (module[name] instanceof z.ZodObject) schemas.push(module[name] as EnvSchema);
  }
  return schemas;
}

/** `export const FOO_ENV = {key: 'FOO_BAR', …}`: a module's variable names in one place, read as `env[FOO_ENV.key]`. */
const NAME_MAP_EXPORT = /export const (\w+_ENV) = \{/g;

export async function variableNameMaps(): Promise<string[]> {
  const names: string[] = [];
  for (const file of SCANNED.flatMap((folder) => sourceFiles(join(REPO, folder)))) {
    const maps = [...readFileSync(file, 'utf8').matchAll(NAME_MAP_EXPORT)].map((match) => match[1] as string);
    if (maps.length === 0) continue;
    const module = (await import(file)) as Record<string, unknown>;
    for (const map of maps) {
      for (const value of Object.values(module[map] ?? {})) {
        if (typeof value === 'string' && /^[A-Z][A-Z0-9_]+$/.test(value)) names.push(value);
      }
    }
  }
  return names;
}

/**
 * Every variable the code reads: schema keys, name maps, the stack's wiring, and direct `env.NAME` reads in
 * source.
 */
export function variablesReadByCode(schemas: readonly EnvSchema[], nameMaps: readonly string[]): Set<string> {
  const names = new Set<string>([...schemas.flatMap((schema) => Object.keys(schema.shape)), ...nameMaps]);
  for (const source of SOURCES) for (const name of deploymentVariables(source.deployment)) names.add(name);
  for (const file of SCANNED.flatMap((folder) => sourceFiles(join(REPO, folder)))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of READS) for (const match of text.matchAll(pattern)) names.add(match[1] as string);
  }
  for (const name of NOT_CONFIGURATION) names.delete(name);
  return names;
}

function deploymentVariables(deployment: (typeof SOURCES)[number]['deployment']): string[] {
  const settings = { mapConcurrency: 2, userAgent: 'A (a@b.co)', accountCount: 1, values: {} };
  const fn = (f: FunctionDeployment | undefined) =>
    f
      ? [
          ...f.secrets.map((access) => access.env),
          ...Object.keys(f.environment ?? {}),
          ...Object.keys(f.settingsEnvironment ?? {}),
        ]
      : [];
  return [
    ...fn(deployment.exportFunction),
    ...Object.keys(deployment.exportEnvironment?.(settings) ?? {}),
    ...fn(deployment.webhook?.receiver),
    ...fn(deployment.webhook?.worker),
    ...(deployment.webhook ? [deployment.webhook.queueUrlEnv] : []),
  ];
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

/**
 * Rows of every README table whose first header cell is `variable`: name -> its default cells (one per table
 * it appears in: a variable may mean a little more in a function than in the CLI).
 */
export function documentedVariables(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  let inTable = false;
  for (const line of README.split('\n')) {
    if (/^\| *variable *\|/.test(line)) {
      inTable = true;
      continue;
    }
    if (!line.startsWith('|')) inTable = false;
    if (!inTable || /^\| *-+/.test(line)) continue;
    const cells = line.split('|').map((cell) => cell.trim());
    const names = [...(cells[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1] as string);
    const defaultCell = (cells.at(-2) ?? '').replaceAll('`', '');
    for (const name of names) rows.set(name, [...(rows.get(name) ?? []), defaultCell]);
  }
  return rows;
}

/** The README's `| source | resources ... |` table: source -> names in the order listed. */
export function documentedResources(): Map<string, string[]> {
  const table = new Map<string, string[]>();
  let inTable = false;
  for (const line of README.split('\n')) {
    if (/^\| *source *\| *resources/.test(line)) {
      inTable = true;
      continue;
    }
    if (!line.startsWith('|')) inTable = false;
    if (!inTable || /^\| *-+/.test(line)) continue;
    const [, source, names] = line.split('|').map((cell) => cell.trim());
    table.set(
      (source ?? '').replaceAll('`', ''),
      [...(names ?? '').matchAll(/`([a-z0-9_]+)`/g)].map((match) => match[1] as string),
    );
  }
  return table;
}

/** The first ```json block after a heading that contains `heading`. */
export function jsonBlockUnder(heading: string): string | undefined {
  const start = README.indexOf(heading);
  if (start < 0) return undefined;
  return /```json\n([\s\S]*?)```/.exec(README.slice(start))?.[1];
}
