import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RenewalLimit } from '../../shared/auth/renewal-limit.js';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { WelkinClient } from '../../shared/welkin/client.js';
import { welkinConfigFrom } from '../../shared/welkin/config.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';

let sim: WelkinSimulator;

beforeAll(async () => {
  sim = await startWelkinSimulator({ rowsPerResource: 10 });
});

afterAll(async () => {
  await sim.stop();
});

/** Four single-record GETs through a client configured from the environment, as the CLI and Lambdas do. */
async function fourRequests(pace?: string): Promise<number> {
  const config = welkinConfigFrom({
    WELKIN_TENANT: sim.tenant,
    WELKIN_INSTANCE: sim.instance,
    WELKIN_CLIENT_NAME: sim.clientName,
    WELKIN_CLIENT_SECRET: sim.secret,
    WELKIN_BASE_URL: sim.baseUrl,
    ...(pace === undefined ? {} : { WELKIN_REQUESTS_PER_MINUTE: pace }),
  });
  const client = new WelkinClient(config, new MemoryTokenStore(), {
    limit: new RenewalLimit(),
  });
  const id = sim.liveIds('PATIENT')[0] as string;
  const started = performance.now();
  for (let n = 0; n < 4; n += 1) await client.getObject(client.instancePath(`patients/${id}`));
  return performance.now() - started;
}

describe('Welkin V8 pace', () => {
  it('spaces data requests 250 ms apart by default (240/min) and not at all with 0', async () => {
    // Act
    const paced = await fourRequests();
    const unpaced = await fourRequests('0');

    // Assess: three gaps of at least ~250 ms (the budget spreads 240 starts over 60.6 s).
    expect(paced).toBeGreaterThanOrEqual(3 * 250);
    expect(unpaced).toBeLessThan(250);
  });
});
