import { parseArgs } from 'node:util';
import { startWelkinSimulator } from './index.js';

// Usage: npx tsx simulators/welkin/main.ts --port 4020 --rows 1000 [--seed 1] [--latency 0] [--error-rate 0]
//        [--drop-rate 0] [--has-next-bug] [--missing-policies EXPORT,PATIENTS] [--secret s]
// The secret is never printed: pass it with --secret (default 'sim-secret') and give it to the client the same way.
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4020' },
    rows: { type: 'string', default: '25' },
    seed: { type: 'string', default: '1' },
    latency: { type: 'string', default: '0' },
    'error-rate': { type: 'string', default: '0' },
    'drop-rate': { type: 'string', default: '0' },
    'has-next-bug': { type: 'boolean', default: false },
    'missing-policies': { type: 'string', default: '' },
    'token-lifetime': { type: 'string', default: '3600' },
    tenant: { type: 'string' },
    instance: { type: 'string' },
    client: { type: 'string' },
    secret: { type: 'string' },
  },
});

const sim = await startWelkinSimulator({
  port: Number(values.port),
  rowsPerResource: Number(values.rows),
  seed: Number(values.seed),
  latencyMs: Number(values.latency),
  errorRate: Number(values['error-rate']),
  dropRate: Number(values['drop-rate']),
  hasNextBug: values['has-next-bug'],
  missingPolicies: values['missing-policies'] ? values['missing-policies'].split(',') : [],
  tokenLifetimeSeconds: Number(values['token-lifetime']),
  tenant: values.tenant,
  instance: values.instance,
  clientName: values.client,
  secret: values.secret,
});

console.log(`Welkin simulator listening on ${sim.baseUrl}`);
console.log(`tenant=${sim.tenant} instance=${sim.instance} clientName=${sim.clientName}`);
console.log(`token URL: ${sim.baseUrl}/${sim.tenant}/admin/api_clients/${sim.clientName}`);

const shutdown = () => {
  void sim.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
