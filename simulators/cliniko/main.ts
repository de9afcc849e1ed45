/**
 * Local Cliniko API simulator: `npm run sim:cliniko -- [--port 4010] [--rows 25] [--rpm 200] [--latency 0]
 *   [--seed 1] [--api-key sim-key-au1] [--error-rate 0] [--drop-rate 0]`. Prints the variables to export with.
 */
import { parseArgs } from 'node:util';
import { clinikoExportHint } from './export-hint.js';
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
console.log(clinikoExportHint(simulator.url, simulator.apiKey, Number(values.rpm)));

const shutdown = () => {
  simulator.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
