import { configProblem } from '../config-error.js';
import { redactUrl } from '../redact.js';

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/i;

/**
 * HTTPS only; plain HTTP is accepted for a simulator on this machine's loopback interface. No userinfo: a
 * password in a base URL would end up in process listings, shell history and any URL logged unredacted.
 */
export function assertSafeBaseUrl(value: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configProblem(variable, 'not a valid URL', 'set it to an https:// URL, or unset it');
  }
  if (url.username || url.password) {
    // Never echoed: the part before @ is the secret. Requests would send it as Basic auth to the host.
    throw configProblem(
      variable,
      `${redactUrl(url)} holds a user name or password (user:password@)`,
      'remove them from the URL: credentials come only from their own variables or secret',
    );
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return url;
  throw configProblem(
    variable,
    `${redactUrl(url)} is not https`,
    'use https (plain http only to a loopback simulator)',
  );
}
