/**
 * `npm run bench [-- --json] [-- --quick]`: performance figures as ratios against the targets in the issues.
 * Nothing here is asserted in tests; this is where speed and memory are measured.
 */
import { parseArgs } from 'node:util';
import { benchBigPages } from './bench/big-pages.js';
import { benchCliCpu } from './bench/cli-cpu.js';
import { benchClinikoMemory, benchClinikoRate, benchClinikoThroughput } from './bench/cliniko.js';
import { benchColumnar } from './bench/columnar.js';
import { benchCurrentState, currentStateFigures } from './bench/current-state.js';
import { benchRecordPath } from './bench/record-path.js';
import { benchWelkinMemory, benchWelkinThroughput, benchWelkinTokens } from './bench/welkin.js';
import { benchWelkinV1Throughput } from './bench/welkin-v1.js';
import { stageProgress } from './cli/progress/stage-progress.js';

const { values } = parseArgs({
  options: { json: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false } },
});
// A live line per step on a terminal, plain lines in logs; nothing with --json (stdout is the report).
const stage = stageProgress(process.stderr, values.json);

async function main() {
  const quick = values.quick;
  stage.begin('cliniko: rate (limit 600/min over 2.3 windows, latency for ~1.3 in flight)');
  // Quick runs shorten the limiter's window (and its per-window limit with it), never the windows counted.
  const rate = await benchClinikoRate(600, quick ? 15_000 : 60_000);
  stage.end(JSON.stringify(rate));
  const smallRows = quick ? 20_000 : 100_000;
  stage.begin(`cliniko: throughput (${smallRows} rows, no limit)`);
  const throughput = await benchClinikoThroughput(smallRows);
  stage.end(JSON.stringify(throughput));
  stage.begin(
    `cliniko: record path vs JSON.parse + gzip + sha256 + write of the same pages (${smallRows} rows)`,
  );
  const recordPath = await benchRecordPath(smallRows);
  stage.end(JSON.stringify(recordPath));
  stage.begin(
    `cliniko, welkin: unthrottled CLI CPU per row (${smallRows} rows, simulator in its own process)`,
  );
  const clinikoCpu = await benchCliCpu('cliniko', smallRows);
  stage.note(JSON.stringify(clinikoCpu));
  const welkinCpu = await benchCliCpu('welkin', smallRows);
  stage.end(JSON.stringify(welkinCpu));
  stage.begin('cliniko: peak RSS of the bundled handler on 4 MB pages (600 treatment notes of 40 KB)');
  const bigPages = await benchBigPages();
  stage.end(JSON.stringify(bigPages));
  const bigRows = quick ? 200_000 : 1_000_000;
  stage.begin(`cliniko: peak RSS of the bundled handler at ${smallRows} and ${bigRows} rows`);
  const small = await benchClinikoMemory(smallRows);
  stage.note(JSON.stringify(small));
  const big = await benchClinikoMemory(bigRows);
  stage.end(JSON.stringify(big));
  stage.begin('welkin: throughput, peak RSS, token requests per lifetime with 20 exporters');
  const welkinThroughput = await benchWelkinThroughput(smallRows);
  stage.note(JSON.stringify(welkinThroughput));
  const welkinSmall = await benchWelkinMemory(smallRows);
  const welkinBig = await benchWelkinMemory(bigRows);
  stage.note(JSON.stringify({ welkinSmall, welkinBig }));
  const tokens = await benchWelkinTokens(20, quick ? 10 : 20, 3);
  stage.end(JSON.stringify(tokens));
  stage.begin(`welkin-v1: throughput (${smallRows} rows, page[from] advance over 3-row ties, no next links)`);
  const v1Throughput = await benchWelkinV1Throughput(smallRows);
  stage.end(JSON.stringify(v1Throughput));
  stage.begin(
    `current state: the bundled step at ${bigRows} rows, then the export's rows/s again to compare`,
  );
  const current = await benchCurrentState(bigRows);
  const throughputAfter = await benchClinikoThroughput(quick ? 20_000 : 100_000);
  stage.end(JSON.stringify({ current, throughputAfter }));
  stage.begin(
    `current state: DuckDB bytes read by a one-column query, Parquet vs NDJSON.gz (${smallRows} rows)`,
  );
  const columnar = await benchColumnar(smallRows);
  stage.end(JSON.stringify(columnar));
  const report = {
    cliniko: {
      rate: { ...rate, target: '0.95 <= ratio <= 1.0, no window above 1.0, >= 2 windows, 429s <= 1%' },
      throughput,
      recordPath,
      cpu: clinikoCpu,
      bigPages,
      memory: memoryFigures(small, big),
    },
    welkinV1: {
      throughput: v1Throughput,
      // Same run, same machine: the v1 pager against the V8 Export API pager.
      vsWelkinRowsPerSecondRatio:
        Math.round((v1Throughput.rowsPerSecond / welkinThroughput.rowsPerSecond) * 100) / 100,
      // Each page re-reads the boundary instant once; the floor is rows / page size + the confirming request.
      requestsPerFloor: Math.round((v1Throughput.requests / (Math.ceil(smallRows / 500) + 1)) * 100) / 100,
    },
    currentState: { ...currentStateFigures(current, [throughput, throughputAfter]), columnar },
    welkin: {
      throughput: welkinThroughput,
      cpu: welkinCpu,
      memory: memoryFigures(welkinSmall, welkinBig),
      tokens: {
        ...tokens,
        target:
          'one request per renewal period (ratioToUnavoidable <= 1); a 60-min token renewed 5 min early is 1.09/lifetime',
        met: tokens.ratioToUnavoidable <= 1,
      },
    },
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

function memoryFigures(small: { maxRssMb: number; rows: number }, big: { maxRssMb: number; rows: number }) {
  const bigVsLimitRatio = Math.round((big.maxRssMb / 160) * 1000) / 1000;
  const bigVsSmallRatio = Math.round((big.maxRssMb / small.maxRssMb) * 1000) / 1000;
  return {
    small,
    big,
    bigVsLimitRatio,
    bigVsSmallRatio,
    target: 'big <= 160 MB (ratio <= 1.0) and big/small <= 1.2',
    met: bigVsLimitRatio <= 1 && bigVsSmallRatio <= 1.2,
  };
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
