import { createServer, type IncomingMessage, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readTokenBody } from '../shared/read-token-body.js';
import type { SimDataset } from './dataset.js';
import { type FindSettings, findPage } from './find.js';
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
  counters: { requests: number; findRequests: number; errors: number; drops: number };
}

async function answer(
  ctx: SimContext,
  req: IncomingMessage,
  url: URL,
): Promise<{ status: number; body: string } | 'drop'> {
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments[0] !== 'v1' || segments.length !== 2) return { status: 404, body: '{"error":"not_found"}' };
  const path = segments[1] as string;
  if (path === 'token') {
    if (req.method !== 'POST') return { status: 405, body: '{"error":"method_not_allowed"}' };
    const type = req.headers['content-type'] ?? '';
    const raw = await readTokenBody(req);
    if (raw === undefined || !type.startsWith('application/x-www-form-urlencoded')) {
      return { status: 400, body: '{"error":"invalid_request"}' };
    }
    const result = await ctx.tokens.exchange(new URLSearchParams(raw), ctx.faults.tokenLifetimeSeconds);
    return { status: result.status, body: JSON.stringify(result.body) };
  }
  const { faults } = ctx;
  if (faults.dropRate > 0 && ctx.random() < faults.dropRate) {
    ctx.counters.drops++;
    return 'drop';
  }
  if (faults.errorRate > 0 && ctx.random() < faults.errorRate) {
    ctx.counters.errors++;
    return { status: 503, body: '{"error":"service_unavailable"}' };
  }
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!ctx.tokens.accepts(token)) return { status: 401, body: '{"error":"invalid_token"}' };
  const set = ctx.datasets.get(path);
  if (!set) return { status: 404, body: '{"error":"not_found"}' };
  if (req.method !== 'GET') return { status: 405, body: '{"error":"method_not_allowed"}' };
  ctx.counters.findRequests++;
  return findPage(set, url.searchParams, ctx.find);
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
