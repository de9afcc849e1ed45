/**
 * Run in a child process under `node --expose-gc --import tsx`: requests a URL whose body stalls while forcing
 * garbage collections, and prints how the request ended as one JSON line. A deadline that a collection can lose
 * leaves this process waiting forever, which the parent test sees as no answer.
 */
import { JsonHttpClient } from '../../shared/http/json-http-client.js';

const [url, timeoutMs] = process.argv.slice(2);
const collect = (globalThis as { gc?: () => void }).gc;
if (!url || !timeoutMs || !collect) {
  process.stderr.write('usage: node --expose-gc --import tsx stalled-body-probe.ts <url> <timeoutMs>\n');
  process.exit(2);
}
const collections = setInterval(collect, 10);
const client = new JsonHttpClient({
  service: 'Probe',
  baseUrl: new URL(url),
  authorize: async () => ({}),
  timeoutMs: Number(timeoutMs),
  retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2, rateLimitRetries: 0 },
});
const started = Date.now();
client
  .request('GET', '/stalled')
  .then(
    (result) => ({ outcome: 'answered', status: result.status }),
    (error: Error) => ({ outcome: 'failed', name: error.name, message: error.message }),
  )
  .then((report) => {
    clearInterval(collections);
    process.stdout.write(`${JSON.stringify({ ...report, elapsedMs: Date.now() - started })}\n`);
  });
