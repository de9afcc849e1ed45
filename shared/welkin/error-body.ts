import { errorCodesOf } from '../http/error-codes.js';

/** Security policies named in messages, by the first path segment after the instance (or `admin`). */
const POLICY_BY_AREA: Record<string, string> = {
  export: 'Export Data',
  users: 'Users (admin)',
  programs: 'Programs',
  patients: 'Patients',
  encounters: 'Encounters',
  calendar: 'Calendar',
};

/**
 * The error codes of a Welkin error body (a JSON array of `{errorCode, componentType, message, details,
 * date}`). Only codes are kept: `message` and `details` may quote record data.
 */
export function welkinErrorCodes(bodyText: string): string[] {
  return errorCodesOf(bodyText, ['errorCode'], /^[A-Z0-9_]{1,80}$/);
}

/** The security policy an endpoint needs, for the 403 message (the path never carries PHI here). */
export function policyForPath(pathname: string): string | undefined {
  const segments = pathname.split('/').filter(Boolean);
  for (const segment of segments) {
    const policy = POLICY_BY_AREA[segment];
    if (policy) return policy;
  }
  return undefined;
}

const HINTS: Record<string, string> = {
  TOKEN_EXPIRED: 'the token expired and could not be renewed',
  NOT_VALID_JSON_WEB_TOKEN: 'the token was refused and could not be renewed',
  INVALID_CLIENT_CREDENTIALS: 'check WELKIN_CLIENT_NAME and WELKIN_CLIENT_SECRET (and WELKIN_TENANT)',
  TENANT_NOT_FOUND: 'check WELKIN_TENANT',
  INSTANCE_NOT_FOUND: 'check WELKIN_INSTANCE',
  TOO_MANY_REQUESTS: 'Welkin is rate limiting this API client',
};

/** A one-line, PHI-free explanation of a failure status for `JsonHttpClient`'s message. */
export function explainWelkinError(status: number, bodyText: string, pathname: string): string | undefined {
  const codes = welkinErrorCodes(bodyText);
  const label = codes.length > 0 ? codes.join(', ') : undefined;
  if (codes.includes('ACCESS_FOR_API_CLIENT_RESTRICTED')) {
    const policy = policyForPath(pathname);
    return `ACCESS_FOR_API_CLIENT_RESTRICTED: the API client lacks the ${
      policy ? `"${policy}" security policy` : 'security policy for this endpoint'
    }; add it under Admin > API Clients > Security Policies`;
  }
  const hint = codes.map((code) => HINTS[code]).find(Boolean);
  if (label && hint) return `${label}: ${hint}`;
  if (status === 403) {
    // Any other refusal of one endpoint is still about this API client's access to it, not its credential.
    const policy = policyForPath(pathname);
    return `${label ? `${label}: ` : ''}forbidden: the API client's security policies do not allow ${
      policy ? `this endpoint (it needs "${policy}")` : 'this endpoint'
    }: add the policy under Admin > API Clients > Security Policies, or leave the resource out`;
  }
  if (label) return label;
  return status >= 400 && status < 500 ? 'client error' : undefined;
}
