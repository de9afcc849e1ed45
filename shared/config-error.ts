import { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * The one shape of every configuration and usage error, for the CLI, the demo and the Lambdas alike:
 * `NAME: what is wrong — what to do`, on one line. NAME is the variable, option or argument at fault.
 */
export function problemLine(name: string, wrong: string, remedy: string): string {
  return `${name}: ${wrong} — ${remedy}`;
}

export function configProblem(name: string, wrong: string, remedy: string): ConfigError {
  return new ConfigError(problemLine(name, wrong, remedy));
}

/** The command line is wrong (unknown option, missing argument): the CLI exits 2. */
export class UsageError extends ConfigError {
  constructor(name: string, wrong: string, remedy: string) {
    super(problemLine(name, wrong, remedy));
  }
}

declare module 'zod' {
  interface GlobalMeta {
    /** What the shape check wants, in words, for a failed regex ("like \"App (me@x.org)\""). */
    format?: string;
    /** What to do when the value is wrong; defaults to "set it to <description>". */
    remedy?: string;
    /** The default in words when it is not a literal (derived, or differs between CLI and Lambda). */
    fallback?: string;
  }
}

type EnvSchema = z.ZodObject<z.ZodRawShape>;
type Issue = z.core.$ZodIssue;

/**
 * Reads the schema's variables from the environment. An empty variable counts as unset (`export X=` in a
 * shell), so an empty key and a missing one get the same message and defaults apply to both.
 */
export function parseEnv<S extends EnvSchema>(
  schema: S,
  env: Record<string, string | undefined>,
): z.output<S> {
  const present: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = env[name];
    if (value !== undefined && value !== '') present[name] = value;
  }
  const parsed = schema.safeParse(present);
  if (!parsed.success) throw configErrorFromIssues(schema, parsed.error.issues, present);
  return parsed.data;
}

/** Every issue in the one shape, joined on one line. */
export function configErrorFromIssues(
  schema: EnvSchema,
  issues: readonly Issue[],
  input: Record<string, unknown>,
): ConfigError {
  const lines = issues.map((issue) => {
    const name = issue.path.map(String).join('.') || 'environment';
    const field = schema.shape[name];
    const meta = field ? z.globalRegistry.get(field) : undefined;
    const remedy = meta?.remedy ?? remedyFrom(field, meta);
    const wrong = input[name] === undefined ? 'not set' : whatIsWrong(issue, meta?.format);
    return problemLine(name, wrong, remedy);
  });
  return new ConfigError(lines.join('; '));
}

/** "set it to <description>", plus how to get the default back when there is one. */
function remedyFrom(field: z.core.$ZodType | undefined, meta: z.GlobalMeta | undefined): string {
  const wanted = meta?.description ? `set it to ${meta.description}` : 'correct it';
  if (field instanceof z.ZodDefault) return `${wanted}, or unset it for ${String(field.def.defaultValue)}`;
  if (field instanceof z.ZodOptional) return `${wanted}, or unset it`;
  return wanted;
}

function whatIsWrong(issue: Issue, format: string | undefined): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return 'not a whole number';
      return `not a ${issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') return `shorter than ${issue.minimum} characters`;
      return issue.inclusive ? `must be at least ${issue.minimum}` : `must be more than ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `longer than ${issue.maximum} characters`;
      return issue.inclusive ? `must be at most ${issue.maximum}` : `must be less than ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return format ? `not ${format}` : 'not in the expected format';
    default:
      return issue.message;
  }
}
