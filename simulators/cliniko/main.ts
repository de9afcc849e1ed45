/**
 * Local Cliniko API simulator: `npm run sim:cliniko -- [--port 4010] [--rows 25] [--rpm 200] [--latency 0]
 *   [--seed 1] [--api-key sim-key-au1] [--error-rate 0] [--drop-rate 0]`. Prints the variables to export with.
 */
import { parseArgs } from 'node:util';
import { startClinikoSimulator } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    rows: { type: 'string', default: '25' },
    rpm: { type: 'string', default: '200' },
    latency: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    'api-key': { type: 'string', default: 'sim-key-au1' },
    'error-rate': { type: 'string', default: '0' },
    'drop-rate': { type: 'string', default: '0' },
  },
});

const simulator = await startClinikoSimulator({
  port: Number(values.port),
  apiKey: values['api-key'],
  rowsPerResource: Number(values.rows),
  requestsPerMinute: Number(values.rpm),
  latencyMs: Number(values.latency),
  seed: Number(values.seed),
  errorRate: Number(values['error-rate']),
  dropRate: Number(values['drop-rate']),
});
// A simulator key, not a customer's: printing it is what makes the simulator usable.
console.log(`Cliniko simulator listening at ${simulator.url} (Ctrl-C stops it). Export from it with:
  export CLINIKO_API_KEY=${simulator.apiKey} CLINIKO_BASE_URL=${simulator.url}
  export CLINIKO_USER_AGENT="Clinic Pipe Local (you@example.com)" CLINIKO_REQUESTS_PER_MINUTE=${values.rpm}
  npm run export -- cliniko --out ./out/sim`);

const shutdown = () => {
  simulator.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
