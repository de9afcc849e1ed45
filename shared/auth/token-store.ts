import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';

/** The shared cache of one API client's token: JSON `{token, expiresAt}` (+ `renewing` while renewed). */
export interface CachedToken {
  token: string;
  /** ISO time from the JWT's `exp`. */
  expiresAt: string;
}

/** "Process `owner` is fetching a new token until `until`": others wait for it instead of asking too. */
export interface RenewalLease {
  owner: string;
  until: string;
}

export interface TokenSnapshot {
  token?: CachedToken;
  lease?: RenewalLease;
  /** Opaque version of what was read; `claim` succeeds only against it. */
  version?: string;
}

export interface TokenStore {
  read(): Promise<TokenSnapshot>;
  /**
   * Compare-and-set: records `lease` (keeping the token) only when nobody changed the store since `version`
   * was read. Exactly one of many concurrent claimers of the same version gets true.
   */
  claim(version: string | undefined, lease: RenewalLease): Promise<boolean>;
  /** Publishes a fresh token and drops the lease. */
  write(token: CachedToken): Promise<void>;
  /**
   * Drops `lease` when it is still the one stored (the token, if any, stays): a renewal that failed must not
   * keep others waiting for the lease to lapse.
   */
  release(lease: RenewalLease): Promise<void>;
}

/**
 * A store with Secrets Manager's semantics: each write creates a version named by a caller-chosen token, and
 * a second write with the same token but a different value is refused. Secrets Manager, the file store and
 * the in-memory store all implement this, so one `VersionedTokenStore` gives them all the same claim logic.
 */
export interface VersionedSecret {
  read(): Promise<{ value: string | undefined; versionId: string | undefined }>;
  /** False when a version named `versionToken` already exists with another value. */
  put(value: string, versionToken: string): Promise<boolean>;
}

const storedSchema = z.object({
  token: z.string().min(1).optional(),
  expiresAt: z.string().optional(),
  renewing: z.object({ owner: z.string(), until: z.string() }).optional(),
});

function decode(value: string | undefined): { token?: CachedToken; lease?: RenewalLease } {
  if (!value) return {};
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    // A placeholder value (e.g. generated when the secret was created) is simply "no token yet".
    return {};
  }
  const parsed = storedSchema.safeParse(json);
  if (!parsed.success) return {};
  const { token, expiresAt, renewing } = parsed.data;
  return {
    token: token && expiresAt ? { token, expiresAt } : undefined,
    lease: renewing,
  };
}

/** The version name every claimer of `version` uses; only the first claim with it can succeed. */
export function claimVersionToken(version: string | undefined): string {
  return createHash('sha256')
    .update(`welkin-token-claim:${version ?? 'none'}`)
    .digest('hex');
}

export class VersionedTokenStore implements TokenStore {
  constructor(
    private readonly secret: VersionedSecret,
    private readonly newVersionToken: () => string = () => randomUUID(),
  ) {}

  async read(): Promise<TokenSnapshot> {
    const { value, versionId } = await this.secret.read();
    return { ...decode(value), version: versionId };
  }

  async claim(version: string | undefined, lease: RenewalLease): Promise<boolean> {
    const { value, versionId } = await this.secret.read();
    // Cheap early exit; the versioned put below is what makes the claim safe between processes.
    if (versionId !== version) return false;
    const { token } = decode(value);
    const next = JSON.stringify({ ...(token ?? {}), renewing: lease });
    return this.secret.put(next, claimVersionToken(version));
  }

  async write(token: CachedToken): Promise<void> {
    await this.secret.put(
      JSON.stringify({ token: token.token, expiresAt: token.expiresAt }),
      this.newVersionToken(),
    );
  }

  async release(lease: RenewalLease): Promise<void> {
    const { value } = await this.secret.read();
    const stored = decode(value);
    // Taken over by another process since (ours lapsed): theirs is not ours to drop.
    if (stored.lease?.owner !== lease.owner || stored.lease.until !== lease.until) return;
    const token = stored.token ? { token: stored.token.token, expiresAt: stored.token.expiresAt } : {};
    await this.secret.put(JSON.stringify(token), this.newVersionToken());
  }
}

/** In-process stand-in for a Secrets Manager secret (tests, demo): same version-token rule. */
export class InMemorySecret implements VersionedSecret {
  private readonly versions = new Map<string, string>();
  private current: string | undefined;
  reads = 0;
  writes = 0;

  async read(): Promise<{ value: string | undefined; versionId: string | undefined }> {
    this.reads += 1;
    await Promise.resolve();
    return { value: this.current ? this.versions.get(this.current) : undefined, versionId: this.current };
  }

  async put(value: string, versionToken: string): Promise<boolean> {
    await Promise.resolve();
    const existing = this.versions.get(versionToken);
    if (existing !== undefined && existing !== value) return false;
    this.versions.set(versionToken, value);
    this.current = versionToken;
    this.writes += 1;
    return true;
  }
}

/** A token store held in memory, shared by every provider given the same instance. */
export class MemoryTokenStore extends VersionedTokenStore {
  constructor(readonly memory = new InMemorySecret()) {
    super(memory);
  }
}
