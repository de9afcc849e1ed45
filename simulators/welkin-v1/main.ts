// Local Welkin v1 ("common APIs") simulator: `npm run sim:welkin-v1 -- [--rows 25] [--seed 1] [--latency 0]
//   [--error-rate 0] [--drop-rate 0] [--token-lifetime 3600] [--client-id c] [--client-secret s]`. It listens on
// an ephemeral loopback port and prints the variables to export with; a secret given with --client-secret is
// not echoed (you have it), the simulator's built-in default is.
import { parseArgs } from 'node:util';
import { startWelkinV1Simulator } from './index.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '25' },
    seed: { type: 'string', default: '1' },
    latency: { type: 'string', default: '0' },
    'error-rate': { type: 'string', default: '0' },
    'drop-rate': { type: 'string', default: '0' },
    'token-lifetime': { type: 'string', default: '3600' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
  },
});

const sim = await startWelkinV1Simulator({
  rowsPerResource: Number(values.rows),
  seed: Number(values.seed),
  latencyMs: Number(values.latency),
  errorRate: Number(values['error-rate']),
  dropRate: Number(values['drop-rate']),
  tokenLifetimeSeconds: Number(values['token-lifetime']),
  clientId: values['client-id'],
  clientSecret: values['client-secret'],
});

const secret =
  values['client-secret'] === undefined ? sim.clientSecret : '"<the value given with --client-secret>"';
console.log(`Welkin v1 simulator listening on ${sim.baseUrl} (Ctrl-C stops it). Export from it with:
  export WELKIN_V1_BASE_URL=${sim.baseUrl} WELKIN_V1_CLIENT_ID=${sim.clientId} WELKIN_V1_CLIENT_SECRET=${secret}
  npm run export -- welkin-v1 --out ./out/sim`);

const shutdown = () => {
  void sim.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
