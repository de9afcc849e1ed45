import { parseArgs } from 'node:util';
import { startWelkinSimulator } from './index.js';

// Local Welkin API simulator: `npm run sim:welkin -- [--port 4020] [--rows 25] [--seed 1] [--latency 0]
//   [--error-rate 0] [--drop-rate 0] [--has-next-bug] [--missing-policies EXPORT,PATIENTS] [--token-lifetime 3600]
//   [--tenant t] [--instance i] [--client c] [--secret s]`. Prints the variables to export with; a secret given
// with --secret is not echoed (you have it), the simulator's built-in default is.
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

const secret = values.secret === undefined ? sim.secret : '"<the value given with --secret>"';
console.log(`Welkin simulator listening on ${sim.baseUrl} (Ctrl-C stops it). Export from it with:
  export WELKIN_BASE_URL=${sim.baseUrl} WELKIN_TENANT=${sim.tenant} WELKIN_INSTANCE=${sim.instance}
  export WELKIN_CLIENT_NAME=${sim.clientName} WELKIN_CLIENT_SECRET=${secret}
  npm run export -- welkin --out ./out/sim`);

const shutdown = () => {
  void sim.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
