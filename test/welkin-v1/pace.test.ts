import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { WelkinV1Client } from '../../shared/welkin-v1/client.js';
import { DEFAULT_REQUESTS_PER_MINUTE, welkinV1ConfigFrom } from '../../shared/welkin-v1/config.js';
import { startWelkinV1Simulator, type WelkinV1Simulator } from '../../simulators/welkin-v1/index.js';

let sim: WelkinV1Simulator | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function envOf(simulator: WelkinV1Simulator, extra: Record<string, string> = {}) {
  return {
    WELKIN_V1_CLIENT_ID: simulator.clientId,
    WELKIN_V1_CLIENT_SECRET: simulator.clientSecret,
    WELKIN_V1_BASE_URL: simulator.baseUrl,
    ...extra,
  };
}

/** Milliseconds four data requests take through the client. */
async function fourRequests(env: Record<string, string>): Promise<number> {
  const client = new WelkinV1Client(welkinV1ConfigFrom(env), new MemoryTokenStore());
  const url = client.findUrl('patients', new URLSearchParams({ 'page[size]': '1' }));
  await client.tokens.token();
  const started = Date.now();
  for (let i = 0; i < 4; i += 1) await client.getText(url);
  return Date.now() - started;
}

describe('welkin-v1 data requests are paced by default, through the shared request budget', () => {
  it('defaults to 200 requests/min; 0 means unpaced', async () => {
    // Prepare
    sim = await startWelkinV1Simulator({ rowsPerResource: 3 });
    // Act
    const paced = welkinV1ConfigFrom(envOf(sim));
    const unpaced = welkinV1ConfigFrom(envOf(sim, { WELKIN_V1_REQUESTS_PER_MINUTE: '0' }));
    // Assess
    expect(DEFAULT_REQUESTS_PER_MINUTE).toBe(200);
    expect(paced.requestsPerMinute).toBe(200);
    expect(unpaced.requestsPerMinute).toBe(Number.POSITIVE_INFINITY);
    expect(() =>
      welkinV1ConfigFrom(envOf(sim as WelkinV1Simulator, { WELKIN_V1_REQUESTS_PER_MINUTE: '-1' })),
    ).toThrow(/WELKIN_V1_REQUESTS_PER_MINUTE/);
  });

  it('spaces requests 0.3 s apart at the default pace, and not at all at 0', async () => {
    // Prepare
    sim = await startWelkinV1Simulator({ rowsPerResource: 3 });
    // Act
    const pacedMs = await fourRequests(envOf(sim));
    const unpacedMs = await fourRequests(envOf(sim, { WELKIN_V1_REQUESTS_PER_MINUTE: '0' }));
    // Assess: three intervals of 60.6 s / 200 each
    expect(pacedMs).toBeGreaterThanOrEqual(850);
    expect(unpacedMs).toBeLessThan(400);
  });
});
