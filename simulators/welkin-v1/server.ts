import { createServer, type IncomingMessage, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readTokenBody } from '../shared/read-token-body.js';
import type { SimDataset } from './dataset.js';
import { type FindSettings, findPage } from './find.js';
import { jsonText } from './models.js';
import { SNS_TEST_CERTIFICATE } from './sns-test-certificate.js';
import type { SimTokens } from './tokens.js';

export interface SimFaults {
  latencyMs: number;
  /** Share of data requests answered 503. */
  errorRate: number;
  /** Share of data requests whose connection is cut. */
  dropRate: number;
  tokenLifetimeSeconds: number;
}

export interface SimContext {
  datasets: Map<string, SimDataset>;
  tokens: SimTokens;
  faults: SimFaults;
  find: FindSettings;
  random: () => number;
  counters: { requests: number; findRequests: number; getRequests: number; errors: number; drops: number };
  /** Tokens of the SNS subscriptions confirmed through /sns/. */
  snsConfirmations: string[];
}

/** The reference's error shape: `{"errors":[{"status":401,"code":"unauthorized",...}]}`. */
export function errorBody(status: number, code: string): { status: number; body: string } {
  return { status, body: JSON.stringify({ errors: [{ status, code }] }) };
}

async function answer(
  ctx: SimContext,
  req: IncomingMessage,
  url: URL,
): Promise<{ status: number; body: string } | 'drop'> {
  if (url.pathname.startsWith('/sns/')) return snsAnswer(ctx, url);
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments[0] !== 'v1' || segments.length < 2 || segments.length > 3) return errorBody(404, 'not_found');
  const path = segments[1] as string;
  if (path === 'token' && segments.length === 2) {
    if (req.method !== 'POST') return errorBody(405, 'method_not_allowed');
    const type = req.headers['content-type'] ?? '';
    const raw = await readTokenBody(req);
    // "The body may be form-encoded or JSON."
    const form = raw === undefined ? undefined : tokenForm(type, raw);
    if (!form) return errorBody(400, 'invalid_request');
    const result = await ctx.tokens.exchange(form, ctx.faults.tokenLifetimeSeconds);
    return { status: result.status, body: JSON.stringify(result.body) };
  }
  const { faults } = ctx;
  if (faults.dropRate > 0 && ctx.random() < faults.dropRate) {
    ctx.counters.drops++;
    return 'drop';
  }
  if (faults.errorRate > 0 && ctx.random() < faults.errorRate) {
    ctx.counters.errors++;
    return errorBody(503, 'service_unavailable');
  }
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!ctx.tokens.accepts(token)) return errorBody(401, 'unauthorized');
  // Paths the final reference no longer has (the draft's careplans, messages, patient_tasks) are not here.
  const set = ctx.datasets.get(path);
  if (!set) return errorBody(404, 'not_found');
  if (req.method !== 'GET') return errorBody(405, 'method_not_allowed');
  if (segments.length === 3) {
    ctx.counters.getRequests++;
    const row = set.find(segments[2] as string);
    return row ? { status: 200, body: jsonText({ data: set.record(row) }) } : errorBody(404, 'not_found');
  }
  ctx.counters.findRequests++;
  return findPage(set, url.searchParams, ctx.find);
}

/**
 * The SNS side, reached through the stand-in's fetchers (simulators/welkin-v1/sns.ts), which map the
 * `https://sns.<region>.amazonaws.com` URLs here: the signing certificate, and the ConfirmSubscription GET.
 */
function snsAnswer(ctx: SimContext, url: URL): { status: number; body: string } {
  if (url.pathname === '/sns/SimpleNotificationService-test.pem') {
    return { status: 200, body: SNS_TEST_CERTIFICATE };
  }
  const token = url.searchParams.get('Token');
  if (url.pathname === '/sns/' && url.searchParams.get('Action') === 'ConfirmSubscription' && token) {
    ctx.snsConfirmations.push(token);
    return { status: 200, body: '{"ConfirmSubscriptionResponse":{}}' };
  }
  return errorBody(404, 'not_found');
}

function tokenForm(type: string, raw: string): URLSearchParams | undefined {
  if (type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(raw);
  if (!type.startsWith('application/json')) return undefined;
  try {
    const body = JSON.parse(raw) as Record<string, unknown>;
    return new URLSearchParams(
      Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return undefined;
  }
}

export function createSimServer(ctx: SimContext): Server {
  return createServer((req, res) => {
    void (async () => {
      ctx.counters.requests++;
      if (ctx.faults.latencyMs > 0) await sleep(ctx.faults.latencyMs);
      const result = await answer(ctx, req, new URL(req.url ?? '/', 'http://sim.invalid'));
      if (result === 'drop') {
        res.socket?.destroy();
        return;
      }
      res.writeHead(result.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(result.body),
      });
      res.end(result.body);
    })().catch((error: unknown) => {
      // A simulator bug must surface as a 500 the test sees, not as a hung request.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'simulator_bug', message: String(error) }));
      } else res.destroy();
    });
  });
}
