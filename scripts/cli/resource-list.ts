import { UsageError } from '../../shared/config-error.js';

/**
 * `--resources a,b` as names from the source's table. Absent means every resource; given but empty
 * (`--resources ,`) is refused rather than read as "all", and so is a name the source does not have.
 */
export function resourceList(
  value: string | undefined,
  source: string,
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string[] | undefined {
  if (value === undefined) return undefined;
  // An older name means the resource it became; asking for both gives it once.
  const names = [
    ...new Set(
      value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
        .map((name) => (Object.hasOwn(aliases, name) ? (aliases[name] as string) : name)),
    ),
  ];
  const valid = `use names from: ${known.join(', ')}`;
  if (names.length === 0) {
    throw new UsageError('--resources', 'names no resource', `${valid}; or leave --resources out for all`);
  }
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    const what = unknown.map((name) => JSON.stringify(name)).join(', ');
    throw new UsageError('--resources', `${what} not a ${source} resource`, valid);
  }
  return names;
}
