import { errorCodesOf } from '../http/error-codes.js';

const CODE = /^[A-Za-z0-9_.-]{1,80}$/;

/**
 * Machine-readable codes of a v1 error body: OAuth's `{error}` at the token endpoint, `errorCode` or
 * `code` elsewhere (one object or a list). Descriptions are never kept: they may quote record data.
 */
export function welkinV1ErrorCodes(bodyText: string): string[] {
  return errorCodesOf(bodyText, ['error', 'errorCode', 'code'], CODE);
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
