import { parseArgs } from 'node:util';
import { ConfigError, describeError } from '../shared/errors.js';
import { sinkFromLocation } from '../shared/output/sink-from-location.js';
import { startLocalService } from './local/local-service.js';

const USAGE = 'usage: npm run webhook:serve -- --port N --out <dir | s3://bucket/prefix>';

/**
 * Serves the webhook receiver on 127.0.0.1 and pulls each accepted notice's record from the Welkin API
 * (WELKIN_BASE_URL: the simulator in the demo). Logs one line per notice: entity, subtype, dedupe key.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, out: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.out) throw new ConfigError(`--out is required; ${USAGE}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`--port must be 0..65535`);
  const sink = sinkFromLocation(values.out);
  const service = await startLocalService({
    port,
    sink,
    env: process.env,
    onReceive: (outcome) => {
      if (outcome.kind === 'rejected') console.error(`rejected: ${outcome.reason}`);
      else if (outcome.kind === 'failed') console.error(`failed (${outcome.stage}): ${outcome.error}`);
      else
        console.error(
          `accepted ${outcome.entity} ${outcome.subtype} ${outcome.dedupeKey}${outcome.duplicate ? ' (duplicate)' : ''}${
            outcome.withoutInitiatedTime ? ' (no initiatedTime)' : ''
          }`,
        );
    },
    onPull: (outcome) =>
      console.error(`${outcome.kind} ${outcome.entity} ${outcome.subtype} ${outcome.dedupeKey}`),
    onPullFailure: (reason, attempt) => console.error(`pull attempt ${attempt} failed: ${reason}`),
  });
  console.log(`webhook receiver listening on ${service.server.url} (writing to ${sink.location})`);
  const shutdown = () => {
    void service.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(describeError(error));
  process.exit(1);
});
