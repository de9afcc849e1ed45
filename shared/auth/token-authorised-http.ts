import { JsonHttpClient, type JsonHttpClientOptions } from '../http/json-http-client.js';
import { sharedBudget } from '../http/request-budget.js';
import type { RetryPolicy } from '../http/retry-policy.js';
import { type RenewalLimit, sharedRenewalLimit } from './renewal-limit.js';
import { retryAfterMs } from './retry-after.js';
import { TokenProvider, type TokenProviderOptions } from './token-provider.js';
import type { TokenStore } from './token-store.js';

/** What tests may replace in a token-authorised client: the transport, renewal limit, lease and poll timings. */
export interface TokenAuthorisedDeps {
  fetch?: typeof fetch;
  limit?: RenewalLimit;
  leaseMs?: number;
  pollMs?: number;
}

export interface TokenAuthorisedHttpOptions {
  /** Upstream name used in messages, e.g. 'Welkin v1'; the token endpoint is named after it. */
  service: string;
  baseUrl: URL;
  timeoutMs: number;
  retry?: RetryPolicy;
  requestsPerMinute?: number;
  /** One key per API client for the process-wide pacing budget and renewal cap (a hash, never the secret). */
  credentialKey: string;
  store: TokenStore;
  deps: TokenAuthorisedDeps;
  requestToken: TokenProviderOptions['requestToken'];
  isRenewableRejection?: TokenProviderOptions['isRenewableRejection'];
  explain: JsonHttpClientOptions['explain'];
  errorCodes: JsonHttpClientOptions['errorCodes'];
  unreachableHint?: string;
}

export interface TokenAuthorisedHttp {
  /** Talks to the token endpoint only; never sends the access token. */
  tokenHttp: JsonHttpClient;
  tokens: TokenProvider;
  /** Bearer-authorised API requests, paced, renewing the token once on a 401. */
  http: JsonHttpClient;
}

/**
 * The token-endpoint client, the shared token provider and the Bearer-authorised API client, wired the same
 * way for every Welkin API (V8 and v1 differ only in how a token is asked for and how errors read).
 */
export function tokenAuthorisedHttp(options: TokenAuthorisedHttpOptions): TokenAuthorisedHttp {
  const { deps, explain, errorCodes, unreachableHint } = options;
  const tokenHttp = new JsonHttpClient({
    service: `${options.service} token endpoint`,
    baseUrl: options.baseUrl,
    authorize: async () => ({}),
    headers: { accept: 'application/json' },
    // Short, so that three attempts fit in the renewal lease others wait on (TokenProvider, 45 s).
    timeoutMs: Math.min(options.timeoutMs, 10_000),
    // Every attempt counts toward Welkin's 100-per-5-minutes block: few retries, and a 429 (the block
    // itself) is final rather than retried into a longer block.
    retry: { retries: 2, baseDelayMs: 500, maxDelayMs: 5_000, rateLimitRetries: 0 },
    fetch: deps.fetch,
    explain,
    errorCodes,
    unreachableHint,
  });
  const tokens = new TokenProvider({
    store: options.store,
    requestToken: options.requestToken,
    isRenewableRejection: options.isRenewableRejection,
    limit: deps.limit ?? sharedRenewalLimit(options.credentialKey),
    leaseMs: deps.leaseMs,
    pollMs: deps.pollMs,
  });
  const http = new JsonHttpClient({
    service: options.service,
    baseUrl: options.baseUrl,
    authorize: async () => ({ authorization: `Bearer ${await tokens.token()}` }),
    headers: { accept: 'application/json' },
    budget: sharedBudget(options.credentialKey, options.requestsPerMinute ?? Number.POSITIVE_INFINITY),
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    fetch: deps.fetch,
    retryAfterMs,
    onUnauthorized: (text, sent) =>
      tokens.renewAfterRejection(text, sent.authorization?.replace(/^Bearer /, '')),
    explain,
    errorCodes,
    unreachableHint,
  });
  return { tokenHttp, tokens, http };
}
