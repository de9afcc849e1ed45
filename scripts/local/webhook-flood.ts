/**
 * How many forged webhook calls the receiver rejects per second, and whether genuine deliveries get through
 * during the flood: `npx tsx scripts/local/webhook-flood.ts [seconds]`. Runs the receiver core in-process (what
 * one Lambda invocation does per call) and behind the local HTTP server, against a sink and a queue that count.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Sink } from '../../shared/output/sink.js';
import type { NoticeQueue } from '../../shared/welkin/webhooks/queued-notice.js';
import { receiveWebhook } from '../../shared/welkin/webhooks/receive-webhook.js';
import type { ReceiverConfig } from '../../shared/welkin/webhooks/receiver-config.js';
import { startLocalWebhookServer } from './local-server.js';

const SECONDS = Number(process.argv[2] ?? 5);
const FLOOD_CONNECTIONS = 32;
const GENUINE_PER_SECOND = 20;
const config: ReceiverConfig = {
  secrets: ['genuine-webhook-secret-0123456789'],
  secretHeader: 'x-webhook-secret',
  maxBytes: 256 * 1024,
  tenant: 'flood-tenant',
  instance: 'flood-instance',
};

/** Counts what reaches storage and the queue; stores nothing. */
const stored = { puts: 0, sends: 0 };
const sink = {
  location: 'memory://',
  storageKey: (key: string) => key,
  putTextIfAbsent: async () => {
    stored.puts += 1;
    return true;
  },
} as unknown as Sink;
const queue: NoticeQueue = {
  send: async () => {
    stored.sends += 1;
  },
};

function notice(): string {
  const id = randomUUID();
  return JSON.stringify({
    sourceId: id,
    sourceName: 'PATIENT',
    patientId: id,
    tenantName: config.tenant,
    instanceName: config.instance,
    eventEntity: 'PATIENT',
    eventSubtype: 'PATIENT_UPDATED',
    url: null,
    initiatedBy: 'USER',
    initiatedTime: new Date().toISOString(),
  });
}

const FORGED_BODY = notice();

async function coreRejectionsPerSecond(): Promise<number> {
  const forged = {
    method: 'POST',
    headers: { 'x-webhook-secret': 'forged-secret-0123456789abcdef' },
    body: FORGED_BODY,
  };
  let calls = 0;
  const until = performance.now() + 1000;
  while (performance.now() < until) {
    const response = await receiveWebhook({ request: forged, config, sink, queue });
    if (response.statusCode !== 401) throw new Error(`forged call answered ${response.statusCode}`);
    calls += 1;
  }
  return calls;
}

function post(port: number, agent: Agent, secret: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        agent,
        headers: { 'x-webhook-secret': secret, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function httpFlood(): Promise<{
  rejected: number;
  genuine: number[];
  genuineOk: number;
  genuineSent: number;
}> {
  const server = await startLocalWebhookServer({ config, sink, queue });
  const agent = new Agent({ keepAlive: true, maxSockets: FLOOD_CONNECTIONS + 4 });
  const until = performance.now() + SECONDS * 1000;
  let rejected = 0;
  const flooders = Array.from({ length: FLOOD_CONNECTIONS }, async () => {
    while (performance.now() < until) {
      if ((await post(server.port, agent, 'forged-secret-0123456789abcdef', FORGED_BODY)) === 401)
        rejected += 1;
    }
  });
  const latencies: number[] = [];
  let genuineOk = 0;
  let genuineSent = 0;
  const genuine = (async () => {
    while (performance.now() < until) {
      const started = performance.now();
      genuineSent += 1;
      if ((await post(server.port, agent, config.secrets[0] as string, notice())) === 200) genuineOk += 1;
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 1000 / GENUINE_PER_SECOND));
    }
  })();
  await Promise.all([...flooders, genuine]);
  agent.destroy();
  await server.stop();
  return { rejected, genuine: latencies.sort((a, b) => a - b), genuineOk, genuineSent };
}

const core = await coreRejectionsPerSecond();
const flood = await httpFlood();
const p = (q: number) =>
  flood.genuine[Math.min(flood.genuine.length - 1, Math.floor(q * flood.genuine.length))] ?? 0;
console.log(
  `receiver core, one caller: ${core} forged calls rejected per second (${(1e6 / core).toFixed(1)} µs each)`,
);
console.log(
  `local HTTP server, ${FLOOD_CONNECTIONS} forged connections for ${SECONDS} s: ${Math.round(flood.rejected / SECONDS)} rejections/s`,
);
console.log(
  `genuine deliveries during the flood: ${flood.genuineOk}/${flood.genuineSent} accepted, p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms`,
);
console.log(`stored ${stored.puts} and queued ${stored.sends}: only the genuine ones (${flood.genuineOk})`);
if (stored.puts !== flood.genuineOk || stored.sends !== flood.genuineOk) process.exitCode = 1;
