import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readTokenBody } from '../shared/read-token-body.js';
import { simError } from './error-body.js';
import { matchRoute, runRoute, type SimResponse } from './routes.js';
import type { SimState } from './state.js';

function send(res: ServerResponse, response: SimResponse): void {
  res.writeHead(response.status, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(response.body),
  });
  res.end(response.body);
}

/** POST /{tenant}/admin/api_clients/{clientName} with {"secret": "..."}. */
async function tokenRequest(
  state: SimState,
  req: IncomingMessage,
  tenant: string,
  client: string,
): Promise<SimResponse> {
  state.counters.tokenRequests++;
  if (!state.limiter.admit()) {
    return simError(
      429,
      'TOO_MANY_REQUESTS',
      'Too many token requests; API client is temporarily blocked',
      {},
      'SECURITY',
    );
  }
  const raw = await readTokenBody(req);
  let secret: unknown;
  try {
    secret = raw === undefined ? undefined : (JSON.parse(raw) as { secret?: unknown }).secret;
  } catch {
    return simError(400, 'NOT_VALID_JSON', 'Request body is not valid JSON', {}, 'SECURITY');
  }
  const { identity } = state;
  if (tenant !== identity.tenant || client !== identity.clientName || secret !== identity.secret) {
    return simError(401, 'INVALID_CLIENT_CREDENTIALS', 'Invalid API client name or secret', {}, 'SECURITY');
  }
  const body = JSON.stringify({ clientName: identity.clientName, token: state.issueToken(), enabled: true });
  return { status: 201, body };
}

/** Faults, then auth, then tenant/instance and security policy checks, then the route. */
async function dataRequest(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  segments: string[],
  url: URL,
): Promise<SimResponse | undefined> {
  const { faults } = state;
  if (faults.dropRate > 0 && state.random() < faults.dropRate) {
    state.counters.drops++;
    res.socket?.destroy();
    return undefined;
  }
  if (faults.errorRate > 0 && state.random() < faults.errorRate) {
    state.counters.errors++;
    const status = [500, 502, 503][Math.floor(state.random() * 3)] as number;
    const code = { 500: 'INTERNAL_SERVER_ERROR', 502: 'BAD_GATEWAY', 503: 'SERVICE_UNAVAILABLE' }[
      status
    ] as string;
    return simError(status, code, 'Simulated upstream failure', {}, 'GATEWAY');
  }

  const auth = req.headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  const check = token ? state.checkToken(token) : ({ ok: false, reason: 'invalid' } as const);
  if (!check.ok) {
    if (check.reason === 'expired') {
      state.counters.expiredTokenRejections++;
      return simError(401, 'TOKEN_EXPIRED', 'The access token has expired', {}, 'SECURITY');
    }
    return simError(401, 'NOT_VALID_JSON_WEB_TOKEN', 'Missing or invalid access token', {}, 'SECURITY');
  }

  const [tenant, ...rest] = segments;
  if (tenant !== state.identity.tenant)
    return simError(404, 'TENANT_NOT_FOUND', 'Unknown tenant', { tenant });
  if (req.method !== 'GET') return simError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not supported here`);
  const match = matchRoute(rest);
  if (!match) return simError(404, 'NOT_FOUND', 'No such endpoint', { requestURI: url.pathname });
  if (match.params.instance !== undefined && match.params.instance !== state.identity.instance) {
    return simError(404, 'INSTANCE_NOT_FOUND', 'Unknown instance', { instance: match.params.instance });
  }
  if (faults.missingPolicies.includes(match.route.policy)) {
    return simError(
      403,
      'ACCESS_FOR_API_CLIENT_RESTRICTED',
      `API client has no ${match.route.policy} security policy for this resource`,
      { requestURI: url.pathname },
      'SECURITY',
    );
  }
  return runRoute(state, match.route, match.params, url.searchParams);
}

export function createSimServer(state: SimState): Server {
  return createServer((req, res) => {
    void (async () => {
      state.counters.requests++;
      if (state.faults.latencyMs > 0) await sleep(state.faults.latencyMs);
      const url = new URL(req.url ?? '/', 'http://sim.invalid');
      let segments: string[];
      try {
        segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      } catch {
        send(res, simError(400, 'BAD_REQUEST', 'Malformed path'));
        return;
      }
      const isToken = segments.length === 4 && segments[1] === 'admin' && segments[2] === 'api_clients';
      const response =
        isToken && req.method === 'POST'
          ? await tokenRequest(state, req, segments[0] as string, segments[3] as string)
          : await dataRequest(state, req, res, segments, url);
      if (response) send(res, response);
    })().catch((error: unknown) => {
      // A simulator bug must surface as a 500 the test sees, not as a hung request.
      if (!res.headersSent) send(res, simError(500, 'SIMULATOR_BUG', String(error)));
      else res.destroy();
    });
  });
}
