/**
 * Runs one simulator in a process of its own, so the exporter's figures do not pay for serving: started by
 * `startSimulatorProcess` with `<cliniko|welkin|welkin-v1> '<options json>'`, prints one JSON line with where it listens,
 * and stops when its parent closes stdin.
 */
import { startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { startWelkinSimulator } from '../../simulators/welkin/index.js';
import { startWelkinV1Simulator } from '../../simulators/welkin-v1/index.js';

const [kind, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? '{}');

async function start(): Promise<{ info: Record<string, string>; stop: () => Promise<void> }> {
  if (kind === 'cliniko') {
    const sim = await startClinikoSimulator(options);
    return { info: { url: sim.url, apiKey: sim.apiKey }, stop: sim.stop };
  }
  if (kind === 'welkin') {
    const sim = await startWelkinSimulator(options);
    const { tenant, instance, clientName, secret, baseUrl } = sim;
    return { info: { baseUrl, tenant, instance, clientName, secret }, stop: sim.stop };
  }
  if (kind === 'welkin-v1') {
    const sim = await startWelkinV1Simulator(options);
    const { baseUrl, clientId, clientSecret } = sim;
    return { info: { baseUrl, clientId, clientSecret }, stop: sim.stop };
  }
  throw new Error(`unknown simulator ${kind}`);
}

const { info, stop } = await start();
process.stdout.write(`${JSON.stringify(info)}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void stop().finally(() => process.exit(0));
});
