import { randomUUID } from 'node:crypto';
import { AuthError } from '../errors.js';
import { sleep } from '../http/request-budget.js';
import { notifyRun } from '../http/run-scope.js';
import { welkinErrorCodes } from '../welkin/error-body.js';
import { jwtExpiresAt, jwtLifetimeMs } from './jwt-expiry.js';
import { RenewalLimit } from './renewal-limit.js';
import type { CachedToken, RenewalLease, TokenSnapshot, TokenStore } from './token-store.js';

/** The 401 error codes after which Welkin's own client renews the token and retries once. */
const RENEWABLE_CODES = ['TOKEN_EXPIRED', 'NOT_VALID_JSON_WEB_TOKEN'];

export interface TokenProviderOptions {
  store: TokenStore;
  /**
   * Asks the token endpoint for a new token: the token alone (its expiry read from its JWT `exp`), or with
   * the expiry the endpoint stated (OAuth `expires_in`).
   */
  requestToken: () => Promise<string | CachedToken>;
  /** Whether a 401 body means "renew and retry once" (default: Welkin V8's expired/invalid token codes). */
  isRenewableRejection?: (bodyText: string) => boolean;
  /** Renew when less than this remains (default 5 minutes). */
  renewBeforeMs?: number;
  /** How long a claimed renewal keeps others waiting before they may take over (default 45 s). */
  leaseMs?: number;
  /** Base interval of re-reads while another process renews (jittered, default 250 ms). */
  pollMs?: number;
  limit?: RenewalLimit;
  now?: () => number;
  random?: () => number;
}

/**
 * Hands out the API client's bearer token; many functions share it through the store.
 *
 * Stampede control, in two layers:
 * - In process: one renewal at a time (single flight); concurrent callers await the same promise.
 * - Across processes: the store is read again before renewing, and renewing needs a claim. A claim is a
 *   compare-and-set write of a short lease (`renewing: {owner, until}`) against the version just read; in
 *   Secrets Manager that is PutSecretValue with a ClientRequestToken derived from the version read, which
 *   Secrets Manager accepts once and refuses for any other value. The winner fetches and writes the token; the
 *   losers re-read with jitter until it appears, and take over only if the lease lapses (the winner died).
 *   This needs no extra infrastructure (no lock table) and costs two writes per token lifetime. A plain
 *   "wait a random time, then re-read" would only make a stampede less likely; the claim makes it impossible.
 * Plus a hard cap per process (RenewalLimit) so that a bug can never get the client blocked by Welkin.
 */
export class TokenProvider {
  private current: { token: string; expiresAtMs: number } | undefined;
  private inflight: Promise<string> | undefined;
  private readonly rejected = new Set<string>();
  private readonly owner = randomUUID();
  private readonly renewBeforeMs: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly limit: RenewalLimit;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: TokenProviderOptions) {
    this.renewBeforeMs = options.renewBeforeMs ?? 5 * 60_000;
    this.leaseMs = options.leaseMs ?? 45_000;
    this.pollMs = options.pollMs ?? 250;
    this.now = options.now ?? Date.now;
    this.limit = options.limit ?? new RenewalLimit(undefined, this.now);
    this.random = options.random ?? Math.random;
  }

  /** A token with at least `renewBeforeMs` to live. */
  async token(): Promise<string> {
    if (this.current && this.isFresh(this.current.token, this.current.expiresAtMs)) return this.current.token;
    return this.singleFlight();
  }

  /**
   * A request was refused with 401. True when the caller should retry once: the body names a renewable code
   * and a token other than `rejectedToken` is now available.
   */
  async renewAfterRejection(bodyText: string, rejectedToken: string | undefined): Promise<boolean> {
    const renewable =
      this.options.isRenewableRejection ??
      ((text: string) => welkinErrorCodes(text).some((code) => RENEWABLE_CODES.includes(code)));
    if (!renewable(bodyText)) return false;
    if (rejectedToken) this.rejected.add(rejectedToken);
    if (this.current && this.current.token !== rejectedToken && !this.rejected.has(this.current.token)) {
      return true;
    }
    this.current = undefined;
    let token = await this.singleFlight();
    // Joined a renewal that started before the rejection and picked up the very token refused: go again.
    if (token === rejectedToken) token = await this.singleFlight();
    return token !== rejectedToken;
  }

  private singleFlight(): Promise<string> {
    this.inflight ??= this.obtain().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Renew `renewBeforeMs` ahead, or a fifth of the lifetime for tokens shorter than five margins. */
  private isFresh(token: string, expiresAtMs: number): boolean {
    const lifetime = jwtLifetimeMs(token);
    const margin = lifetime === undefined ? this.renewBeforeMs : Math.min(this.renewBeforeMs, lifetime / 5);
    return !this.rejected.has(token) && expiresAtMs - this.now() > margin;
  }

  private usable(snapshot: TokenSnapshot): CachedToken | undefined {
    const { token } = snapshot;
    if (!token) return undefined;
    const expiresAtMs = Date.parse(token.expiresAt);
    return Number.isFinite(expiresAtMs) && this.isFresh(token.token, expiresAtMs) ? token : undefined;
  }

  private async obtain(): Promise<string> {
    // Bounded: a renewer that keeps dying would otherwise keep everyone waiting for ever.
    const giveUpAt = this.now() + 4 * this.leaseMs;
    let told = false;
    for (;;) {
      const snapshot = await this.options.store.read();
      const stored = this.usable(snapshot);
      if (stored) return this.adopt(stored);
      const lease = snapshot.lease;
      const leaseActive = lease && lease.owner !== this.owner && Date.parse(lease.until) > this.now();
      if (!leaseActive) {
        const ours = { owner: this.owner, until: new Date(this.now() + this.leaseMs).toISOString() };
        const claimed = await this.options.store.claim(snapshot.version, ours);
        if (claimed) return this.renew(ours);
      } else if (!told) {
        told = true;
        notifyRun(
          `Welkin token: another process is renewing it (its lease runs until ${lease.until.slice(11, 19)} UTC); waiting for its token`,
        );
      }
      if (this.now() > giveUpAt) {
        throw new AuthError('Welkin token: another process claimed the renewal but no new token appeared');
      }
      await sleep(this.pollMs * (0.5 + this.random()));
    }
  }

  private async renew(lease: RenewalLease): Promise<string> {
    this.limit.take();
    let issued: string | CachedToken;
    try {
      issued = await this.options.requestToken();
    } catch (error) {
      // Otherwise every other process (and the next run) would wait out the lease for a token never coming.
      await this.options.store.release(lease).catch(() => undefined);
      throw error;
    }
    const cached =
      typeof issued === 'string'
        ? { token: issued, expiresAt: jwtExpiresAt(issued, this.now()).toISOString() }
        : issued;
    await this.options.store.write(cached);
    return this.adopt(cached);
  }

  private adopt(cached: CachedToken): string {
    this.current = { token: cached.token, expiresAtMs: Date.parse(cached.expiresAt) };
    return cached.token;
  }
}
