import { parseArgs } from 'node:util';
import { UsageError } from '../../shared/config-error.js';

export const HELP_HINT = 'see npm run export -- --help';

/** The export CLI's options: parsing and the help text both read this table. */
export const EXPORT_OPTIONS = {
  out: { type: 'string', value: '<dir | s3://bucket/prefix>', meaning: 'where the snapshots go (required)' },
  resources: { type: 'string', value: '<a,b,...>', meaning: 'export only these resources (default: all)' },
  full: { type: 'boolean', meaning: 'a full snapshot even when a watermark allows an incremental run' },
  help: { type: 'boolean', meaning: 'this help; `<source> --help` for one source' },
} as const;

type OptionName = keyof typeof EXPORT_OPTIONS;

export interface ExportArgs {
  positionals: string[];
  out?: string;
  resources?: string;
  full: boolean;
  help: boolean;
}

/** argv to options; what parseArgs refuses becomes one usage line naming the option. */
export function parseExportArgs(argv: readonly string[]): ExportArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        resources: { type: 'string' },
        full: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return { positionals, ...values, full: values.full === true, help: values.help === true };
  } catch (error) {
    throw usageErrorOf(error);
  }
}

/** Node's parseArgs errors carry a code and name the option in quotes: `Unknown option '--ful'`. */
function usageErrorOf(error: unknown): unknown {
  if (!(error instanceof TypeError) || !('code' in error)) return error;
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? 'option';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(option, 'unknown option', suggestion(option));
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return error.message.includes('argument missing')
        ? new UsageError(option, 'needs a value', `write ${option} ${placeholderOf(option)}`)
        : new UsageError(option, 'takes no value', `write ${option} alone`);
    default:
      return new UsageError(option, error.message.split('\n')[0] ?? 'not understood', HELP_HINT);
  }
}

function suggestion(option: string): string {
  const typed = option.replace(/^-+/, '');
  const near = (Object.keys(EXPORT_OPTIONS) as OptionName[]).find(
    (name) => typed.length > 0 && (name.startsWith(typed) || typed.startsWith(name)),
  );
  return near ? `did you mean --${near}? (${HELP_HINT})` : HELP_HINT;
}

function placeholderOf(option: string): string {
  const spec = EXPORT_OPTIONS[option.replace(/^-+/, '') as OptionName];
  return spec && 'value' in spec ? spec.value : '<value>';
}
