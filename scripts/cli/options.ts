import { parseArgs } from 'node:util';
import { usageErrorOf } from './args-error.js';

export const HELP_HINT = 'see npm run export -- --help';

/** The export CLI's options: parsing and the help text both read this table. */
export const EXPORT_OPTIONS = {
  out: { type: 'string', value: '<dir | s3://bucket/prefix>', meaning: 'where the snapshots go (required)' },
  resources: { type: 'string', value: '<a,b,...>', meaning: 'export only these resources (default: all)' },
  full: { type: 'boolean', meaning: 'a full snapshot even when a watermark allows an incremental run' },
  check: {
    type: 'boolean',
    meaning: 'export nothing: one first-page request per resource and a probe of --out, one line each',
  },
  json: {
    type: 'boolean',
    meaning: 'print the summary as one JSON object (every result with its keys and URLs)',
  },
  help: { type: 'boolean', meaning: 'this help; `<source> --help` for one source' },
} as const;

export interface ExportArgs {
  positionals: string[];
  out?: string;
  resources?: string;
  full: boolean;
  check: boolean;
  json: boolean;
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
        check: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return {
      positionals,
      ...values,
      full: values.full === true,
      check: values.check === true,
      json: values.json === true,
      help: values.help === true,
    };
  } catch (error) {
    throw usageErrorOf(error, EXPORT_OPTIONS, HELP_HINT);
  }
}
