import { CLINIKO_MAX_REQUESTS_PER_MINUTE } from '../../shared/cliniko/config.js';

/**
 * The variables `npm run sim:cliniko` prints to export with. The simulator's `--rpm 0` (or any value that is not
 * a positive number) means no limit, while the CLI's CLINIKO_REQUESTS_PER_MINUTE is a limit that must be more than
 * 0: an unlimited simulator gets the CLI's highest pace (in effect unpaced), not the 200 default that leaving the
 * variable out would give, which would make a run against it as slow as against the real API.
 */
export function clinikoExportHint(url: string, apiKey: string, simulatorRpm: number): string {
  const pace =
    Number.isFinite(simulatorRpm) && simulatorRpm > 0
      ? Math.min(simulatorRpm, CLINIKO_MAX_REQUESTS_PER_MINUTE)
      : CLINIKO_MAX_REQUESTS_PER_MINUTE;
  // A simulator key, not a customer's: printing it is what makes the simulator usable.
  return `Cliniko simulator listening at ${url} (Ctrl-C stops it). Export from it with:
  export CLINIKO_API_KEY=${apiKey} CLINIKO_BASE_URL=${url}
  export CLINIKO_USER_AGENT="Clinic Pipe Local (you@example.com)" CLINIKO_REQUESTS_PER_MINUTE=${pace}
  npm run export -- cliniko --out ./out/sim`;
}
