import { UsageError } from '../../shared/config-error.js';

/** What a usage line needs to know of an option: the placeholder of its value, if it takes one. */
export type OptionTable = Readonly<Record<string, { readonly value?: string; readonly meaning?: string }>>;

/**
 * Node's parseArgs errors as one usage line naming the option (`--ful: unknown option — did you mean
 * --full? (…)`). They carry a code and quote the option: `Unknown option '--ful'`. Anything else is returned.
 */
export function usageErrorOf(error: unknown, options: OptionTable, hint: string): unknown {
  if (!(error instanceof TypeError) || !('code' in error)) return error;
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? 'option';
  const spec = options[option.replace(/^-+/, '')];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(option, 'unknown option', suggestion(option, options, hint));
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return error.message.includes('argument missing')
        ? new UsageError(option, 'needs a value', `write ${option} ${spec?.value ?? '<value>'}`)
        : new UsageError(option, 'takes no value', `write ${option} alone`);
    default:
      return new UsageError(option, error.message.split('\n')[0] ?? 'not understood', hint);
  }
}

function suggestion(option: string, options: OptionTable, hint: string): string {
  const typed = option.replace(/^-+/, '');
  const near = Object.keys(options).find(
    (name) => typed.length > 0 && (name.startsWith(typed) || typed.startsWith(name)),
  );
  return near ? `did you mean --${near}? (${hint})` : hint;
}
