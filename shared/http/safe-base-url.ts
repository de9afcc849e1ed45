import { configProblem } from '../config-error.js';
import { redactUrl } from '../redact.js';

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/i;

/** HTTPS only; plain HTTP is accepted for a simulator on this machine's loopback interface. */
export function assertSafeBaseUrl(value: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configProblem(variable, 'not a valid URL', 'set it to an https:// URL, or unset it');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return url;
  throw configProblem(
    variable,
    `${redactUrl(url)} is not https`,
    'use https (plain http only to a loopback simulator)',
  );
}
