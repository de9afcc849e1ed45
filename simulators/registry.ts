import { join } from 'node:path';
import type { Env } from '../shared/sources/source-module.js';
import { startClinikoSimulator } from './cliniko/index.js';
import { startWelkinSimulator } from './welkin/index.js';
import { startWelkinV1Simulator } from './welkin-v1/index.js';

export interface SimulatorOptions {
  rowsPerResource: number;
  seed?: number;
  /** Cliniko's per-key limit; the exporter is told the same budget. */
  requestsPerMinute?: number;
  /** Where the CLI keeps this source's token file, so a run leaves nothing in the OS temp folder. */
  scratchDir: string;
}

/** A simulator running on loopback, and the environment that points its source's CLI at it. */
export interface RunningSimulator {
  env: Env;
  stop(): Promise<void>;
}

export type SimulatorStarter = (options: SimulatorOptions) => Promise<RunningSimulator>;

/**
 * One local simulator per source, by source name (shared/sources/registry.ts). The demo and the every-resource
 * test start each registered source's simulator from here, so a source without one fails the test.
 */
export const SIMULATORS: Readonly<Record<string, SimulatorStarter>> = {
  cliniko: async ({ rowsPerResource, seed, requestsPerMinute = 200 }) => {
    const sim = await startClinikoSimulator({ rowsPerResource, seed, requestsPerMinute });
    return {
      env: {
        CLINIKO_API_KEY: sim.apiKey,
        CLINIKO_USER_AGENT: 'Clinic Pipe Simulation (sim@example.com)',
        CLINIKO_BASE_URL: sim.url,
        CLINIKO_REQUESTS_PER_MINUTE: String(requestsPerMinute),
      },
      stop: () => sim.stop(),
    };
  },
  welkin: async ({ rowsPerResource, seed, scratchDir, requestsPerMinute }) => {
    const sim = await startWelkinSimulator({ rowsPerResource, seed });
    return {
      env: {
        // The simulator has no limit: a caller's rate replaces the default pace (240/min) when given.
        ...(requestsPerMinute === undefined ? {} : { WELKIN_REQUESTS_PER_MINUTE: String(requestsPerMinute) }),
        WELKIN_TENANT: sim.tenant,
        WELKIN_INSTANCE: sim.instance,
        WELKIN_CLIENT_NAME: sim.clientName,
        WELKIN_CLIENT_SECRET: sim.secret,
        WELKIN_BASE_URL: sim.baseUrl,
        WELKIN_TOKEN_FILE: join(scratchDir, 'welkin-token.json'),
      },
      stop: () => sim.stop(),
    };
  },
  'welkin-v1': async ({ rowsPerResource, seed, scratchDir, requestsPerMinute }) => {
    const sim = await startWelkinV1Simulator({ rowsPerResource, seed });
    return {
      env: {
        // The demo's pace when it gives one; tests run unpaced (0) rather than at the 200/min default.
        WELKIN_V1_REQUESTS_PER_MINUTE: String(requestsPerMinute ?? 0),
        WELKIN_V1_CLIENT_ID: sim.clientId,
        WELKIN_V1_CLIENT_SECRET: sim.clientSecret,
        WELKIN_V1_BASE_URL: sim.baseUrl,
        WELKIN_V1_TOKEN_FILE: join(scratchDir, 'welkin-v1-token.json'),
      },
      stop: () => sim.stop(),
    };
  },
};
