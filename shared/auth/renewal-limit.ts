import { AuthError } from '../errors.js';

export const RENEWAL_WINDOW_MS = 5 * 60_000;
/**
 * Welkin blocks an API client for 5 minutes after more than 100 token requests in 5 minutes, counted across
 * every process. One process renewing more than this many times in 5 minutes is a bug (a token store that
 * does not keep writes, a clock far off): stop early so the other functions keep working.
 */
export const DEFAULT_MAX_RENEWALS = 20;

/** A hard cap on token requests per sliding 5-minute window in this process. */
export class RenewalLimit {
  private times: number[] = [];

  constructor(
    readonly max = DEFAULT_MAX_RENEWALS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one token request, or throws when the cap is reached. */
  take(): void {
    const now = this.now();
    this.times = this.times.filter((time) => time > now - RENEWAL_WINDOW_MS);
    if (this.times.length >= this.max) {
      throw new AuthError(
        `Welkin token renewal refused: ${this.max} token requests in the last 5 minutes already ` +
          '(Welkin blocks the API client after 100); check that the token store keeps its writes',
      );
    }
    this.times.push(now);
  }
}

const limits = new Map<string, RenewalLimit>();

/** The process-wide cap for one API client (keyed by a hash, never by the credential): warm Lambda
 * invocations and every client built in this process count against the same window. */
export function sharedRenewalLimit(clientKey: string): RenewalLimit {
  let limit = limits.get(clientKey);
  if (!limit) {
    limit = new RenewalLimit();
    limits.set(clientKey, limit);
  }
  return limit;
}
