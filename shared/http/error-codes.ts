/**
 * The machine-readable codes of a JSON error body (one object or a list of them): the string values of
 * `fields` that match `pattern`, in order. Only codes are kept, never messages or details: those may quote
 * record data. A body that is not JSON has no codes.
 */
export function errorCodesOf(bodyText: string, fields: readonly string[], pattern: RegExp): string[] {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return [];
  }
  const entries = Array.isArray(body) ? body : [body];
  return entries.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const values = fields.map((field) => (entry as Record<string, unknown>)[field]);
    return values.filter((value): value is string => typeof value === 'string' && pattern.test(value));
  });
}
