import { errorCodesOf } from '../http/error-codes.js';

const CODE = /^[A-Za-z0-9_.-]{1,80}$/;

/**
 * Machine-readable codes of a v1 error body: the reference's `{"errors":[{"status":401,"code":"unauthorized"}]}`,
 * OAuth's `{error}`, or `errorCode`/`code` on one object or a list. Descriptions are never kept: they may
 * quote record data.
 */
export function welkinV1ErrorCodes(bodyText: string): string[] {
  const fields = ['error', 'errorCode', 'code'];
  const nested = nestedErrors(bodyText);
  return nested === undefined
    ? errorCodesOf(bodyText, fields, CODE)
    : errorCodesOf(JSON.stringify(nested), fields, CODE);
}

/** The `errors` list of a JSON object body, when there is one. */
function nestedErrors(bodyText: string): unknown[] | undefined {
  try {
    const body: unknown = JSON.parse(bodyText);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const errors = (body as { errors?: unknown }).errors;
    return Array.isArray(errors) ? errors : undefined;
  } catch {
    return undefined;
  }
}

/** A one-line, PHI-free explanation of a failure status. */
export function explainWelkinV1Error(status: number, bodyText: string): string | undefined {
  const codes = welkinV1ErrorCodes(bodyText);
  const label = codes.length > 0 ? codes.join(', ') : undefined;
  if (status === 401)
    return `${label ? `${label}: ` : ''}the access token was refused and could not be renewed`;
  if (status === 403) return `${label ? `${label}: ` : ''}the API client lacks access (check its scope)`;
  if (label) return label;
  return status >= 400 && status < 500 ? 'client error' : undefined;
}
