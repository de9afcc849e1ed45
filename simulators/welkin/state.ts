import { randomBytes } from 'node:crypto';
import { Dataset } from './dataset.js';
import { signJwt, type TokenClaims, verifyJwt } from './jwt.js';
import { prng } from './random.js';
import { EXPORT_RESOURCES, EXTRA_RESOURCES, type ResourceName } from './records.js';
import { TokenLimiter, type TokenRequestLimit } from './token-limiter.js';

export interface MutateWhilePaging {
  editEveryNthRequest?: number;
  insertEveryNthRequest?: number;
  deleteEveryNthRequest?: number;
}

/** Everything setFaults() may change while the simulator runs. */
export interface WelkinFaults {
  latencyMs: number;
  errorRate: number;
  dropRate: number;
  hasNextBug: boolean;
  /** Serves at most this many rows per export page whatever was asked, and says so in cursor.pageSize (0: off). */
  exportPageCap: number;
  /** Every export page answers hasNext=false, whether or not more rows exist. */
  hasNextAlwaysFalse: boolean;
  tokenLifetimeSeconds: number;
  missingPolicies: string[];
  mutateWhilePaging: MutateWhilePaging;
}

export interface SimIdentity {
  tenant: string;
  instance: string;
  clientName: string;
  secret: string;
}

export interface SimStats {
  requests: number;
  tokenRequests: number;
  tokensIssued: number;
  expiredTokenRejections: number;
  errors: number;
  drops: number;
  blocked: boolean;
  /** Export pages answered with the wrong hasNext=false. */
  hasNextBugFired: number;
  /** Run-time mutations applied by mutateWhilePaging. */
  mutations: number;
}

export type TokenCheck = { ok: true } | { ok: false; reason: 'invalid' | 'expired' };

/** The simulator's mutable world: data sets, fault settings, token bookkeeping, counters. */
export class SimState {
  readonly datasets = new Map<ResourceName, Dataset>();
  readonly limiter: TokenLimiter;
  readonly random: () => number;
  readonly counters = {
    requests: 0,
    tokenRequests: 0,
    tokensIssued: 0,
    expiredTokenRejections: 0,
    errors: 0,
    drops: 0,
    hasNextBugFired: 0,
    mutations: 0,
  };
  /** Export requests per resource since hasNextBug was armed. */
  readonly bugRequestCounts = new Map<string, number>();
  exportRequests = 0;
  private readonly key = randomBytes(32);
  private nextSerial = 0;
  private firstValidSerial = 0;

  constructor(
    readonly identity: SimIdentity,
    readonly faults: WelkinFaults,
    limit: TokenRequestLimit,
    rows: (resource: ResourceName) => number,
    seed: number,
  ) {
    this.limiter = new TokenLimiter(limit);
    this.random = prng(seed ^ 0x5eed);
    // Cross-references (patientId, createdBy, ...) hit small sets over and over; memoise their ids.
    const memo = new Map<ResourceName, string[]>();
    const ref = (resource: ResourceName, n: number): string | null => {
      const set = this.datasets.get(resource);
      if (!set || set.count === 0) return null;
      const index = n % set.count;
      if (set.count > 100_000) return set.idOf(index);
      let ids = memo.get(resource);
      if (!ids) {
        ids = [];
        memo.set(resource, ids);
      }
      ids[index] ??= set.idOf(index);
      return ids[index];
    };
    for (const resource of [...EXPORT_RESOURCES, ...EXTRA_RESOURCES]) {
      this.datasets.set(resource, new Dataset(resource, rows(resource), seed, ref));
    }
  }

  dataset(resource: string): Dataset | undefined {
    return this.datasets.get(resource as ResourceName);
  }

  issueToken(): string {
    const iat = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      sub: this.identity.clientName,
      clientName: this.identity.clientName,
      tenant: this.identity.tenant,
      iat,
      exp: iat + this.faults.tokenLifetimeSeconds,
      jti: String(this.nextSerial++),
    };
    this.counters.tokensIssued++;
    return signJwt(claims, this.key);
  }

  checkToken(token: string): TokenCheck {
    const claims = verifyJwt(token, this.key);
    if (!claims || claims.tenant !== this.identity.tenant) return { ok: false, reason: 'invalid' };
    if (Date.now() / 1000 >= claims.exp || Number(claims.jti) < this.firstValidSerial) {
      return { ok: false, reason: 'expired' };
    }
    return { ok: true };
  }

  expireAllTokens(): void {
    this.firstValidSerial = this.nextSerial;
  }

  stats(): SimStats {
    return { ...this.counters, blocked: this.limiter.isBlocked() };
  }

  /** mutateWhilePaging: called once per export request, before it is answered. */
  mutateOnExport(dataset: Dataset): void {
    this.exportRequests++;
    const n = this.exportRequests;
    const {
      editEveryNthRequest: edit,
      insertEveryNthRequest: insert,
      deleteEveryNthRequest: del,
    } = this.faults.mutateWhilePaging;
    if (edit && n % edit === 0 && dataset.liveCount > 0) {
      dataset.touch(dataset.nthLive(Math.floor(this.random() * dataset.liveCount)));
      this.counters.mutations++;
    }
    if (insert && n % insert === 0) {
      dataset.insert();
      this.counters.mutations++;
    }
    if (del && n % del === 0 && dataset.liveCount > 0) {
      dataset.remove(dataset.nthLive(Math.floor(this.random() * dataset.liveCount)));
      this.counters.mutations++;
    }
  }
}
