// Runs a bundled handler once in this process and prints its result and peak RSS as one JSON line.
// Usage: node invoke-child.mjs <bundle.mjs> '<event json>'
const [bundle, eventJson] = process.argv.slice(2);
const { handler } = await import(bundle);
const context = {
  getRemainingTimeInMillis: () => 15 * 60 * 1000,
  functionName: 'bench',
  awsRequestId: 'bench',
};
const started = Date.now();
if (process.env.BENCH_TRACE)
  setInterval(() => {
    const m = process.memoryUsage();
    process.stderr.write(
      `rss=${m.rss >> 20} heap=${m.heapUsed >> 20}/${m.heapTotal >> 20} ext=${m.external >> 20} ab=${m.arrayBuffers >> 20}\n`,
    );
  }, 2000).unref();
try {
  const result = await handler(JSON.parse(eventJson), context);
  const rows = (result.results ?? []).reduce((sum, item) => sum + item.recordCount, 0);
  process.stdout.write(
    `${JSON.stringify({ ok: true, rows, seconds: (Date.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(error?.message ?? error) })}\n`);
  process.exitCode = 1;
}
