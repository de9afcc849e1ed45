import { parseArgs } from 'node:util';
import { UsageError } from '../shared/config-error.js';
import { ConfigError, describeError } from '../shared/errors.js';
import { sinkFromLocation } from '../shared/output/sink-from-location.js';
import { usageErrorOf } from './cli/args-error.js';
import { startLocalService } from './local/local-service.js';
import { pullFailureLine, pullLine, receiveLine } from './local/outcome-lines.js';

const USAGE = 'usage: npm run webhook:serve -- --port N --out <dir | s3://bucket/prefix>';

/**
 * Serves the webhook receiver on 127.0.0.1 and pulls each accepted notice's record from the Welkin API
 * (WELKIN_BASE_URL: the simulator in the demo). Logs one line per notice: entity, subtype, dedupe key.
 */
async function main(): Promise<void> {
  const hint = 'see npm run webhook:serve -- --help';
  const { values } = (() => {
    try {
      return parseArgs({
        options: {
          port: { type: 'string', default: '0' },
          out: { type: 'string' },
          help: { type: 'boolean' },
        },
      });
    } catch (error) {
      throw usageErrorOf(
        error,
        { port: { value: '<0..65535>' }, out: { value: '<dir | s3://bucket/prefix>' } },
        hint,
      );
    }
  })();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.out) throw new UsageError('--out', 'missing', `give a folder or s3://bucket/prefix (${hint})`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError('--port', 'not a port number', 'give 0 to 65535 (0: any free port)');
  const sink = sinkFromLocation(values.out);
  const service = await startLocalService({
    port,
    sink,
    env: process.env,
    onReceive: (outcome) => console.error(receiveLine(outcome)),
    onPull: (outcome) => console.error(pullLine(outcome)),
    onPullFailure: (reason, attempt) => console.error(pullFailureLine(reason, attempt)),
  });
  console.log(`webhook receiver listening on ${service.server.url} (writing to ${sink.location})`);
  const shutdown = () => {
    void service.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error) => {
  // Configuration and usage errors already read `NAME: what is wrong — what to do`; they exit 2, like export.
  console.error(error instanceof ConfigError ? error.message : `error: ${describeError(error)}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
