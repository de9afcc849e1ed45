import { ConfigError } from '../errors.js';
import { redactUrl } from '../redact.js';

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/i;

/** HTTPS only; plain HTTP is accepted for a simulator on this machine's loopback interface. */
export function assertSafeBaseUrl(value: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${variable} is not a valid URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return url;
  throw new ConfigError(
    `${variable} must use https (plain http only to a loopback simulator): ${redactUrl(url)}`,
  );
}
