import { describe, expect, it } from 'vitest';
import { CLINIKO_MAX_REQUESTS_PER_MINUTE, clinikoConfigFrom } from '../../shared/cliniko/config.js';
import { clinikoExportHint } from '../../simulators/cliniko/export-hint.js';

/** The `export A=B C="D E"` lines of the hint, as the shell would set them. */
function exportedVariables(hint: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of hint.split('\n').filter((l) => l.trim().startsWith('export '))) {
    for (const [, name, quoted, bare] of line.matchAll(/([A-Z0-9_]+)=(?:"([^"]*)"|(\S+))/g)) {
      env[name as string] = (quoted ?? bare) as string;
    }
  }
  return env;
}

describe('npm run sim:cliniko: the variables it prints are ones the CLI accepts', () => {
  it.each([0, -1, Number.NaN])('an unlimited simulator (--rpm %s) gets the CLI’s highest pace', (rpm) => {
    // Prepare
    const hint = clinikoExportHint('http://127.0.0.1:4010/v1', 'sim-key-au1', rpm);

    // Act
    const config = clinikoConfigFrom(exportedVariables(hint));

    // Assess: accepted (not "must be more than 0") and in effect unpaced, not the 200 default.
    expect(config.requestsPerMinute).toBe(CLINIKO_MAX_REQUESTS_PER_MINUTE);
    expect(config.baseUrl.href).toBe('http://127.0.0.1:4010/v1');
  });

  it('a limited simulator (--rpm 600) gets its own limit as the pace', () => {
    // Prepare
    const hint = clinikoExportHint('http://127.0.0.1:4010/v1', 'sim-key-au1', 600);

    // Act
    const config = clinikoConfigFrom(exportedVariables(hint));

    // Assess
    expect(config.requestsPerMinute).toBe(600);
    expect(config.userAgent).toBe('Clinic Pipe Local (you@example.com)');
  });
});
