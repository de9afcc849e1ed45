import { z } from 'zod';

/** One environment variable as help text and the README describe it. */
export interface EnvVarDoc {
  name: string;
  description: string;
  /** `required`, the default in words, the literal default, or `unset`. */
  defaultText: string;
}

type EnvSchema = z.ZodObject<z.ZodRawShape>;

/**
 * The variables of a config schema with their meaning and default, read from the schema itself (zod's JSON
 * Schema export carries `description` and `default`), so help and README checks cannot drift from the code.
 */
export function envVarDocs(schema: EnvSchema): EnvVarDoc[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { description?: string; default?: unknown; fallback?: string }>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    description: property.description ?? '',
    defaultText: required.has(name)
      ? 'required'
      : (property.fallback ?? (property.default !== undefined ? String(property.default) : 'unset')),
  }));
}
