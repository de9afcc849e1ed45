import type { SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { WelkinV1Client } from '../../shared/welkin-v1/client.js';
import type { RealtimeOutcome } from '../../shared/welkin-v1/realtime/pull-record.js';
import type { V1NoticeEntry } from '../../shared/welkin-v1/webhooks/notice.js';
import { processV1NoticeBatch } from '../../shared/welkin-v1/webhooks/process-batch.js';
import type { V1PullOutcome } from '../../shared/welkin-v1/webhooks/pull-window.js';
import { toV1QueuedNotice, v1DedupeKeyOf } from '../../shared/welkin-v1/webhooks/queued-notice.js';
import { startWelkinV1Simulator, type WelkinV1Simulator } from '../../simulators/welkin-v1/index.js';
import { configOf, tempDir } from './helpers.js';

let sim: WelkinV1Simulator;
let out: { path: string; remove: () => Promise<void> };
let sink: LocalSink;

beforeEach(async () => {
  sim = await startWelkinV1Simulator({ rowsPerResource: 12, tieSize: 3, nextLinks: 'none' });
  out = await tempDir();
  sink = new LocalSink(out.path);
});

afterEach(async () => {
  await sim.stop();
  await out.remove();
});

const record = (messageId: string, body: string) => ({ messageId, body }) as SQSRecord;

function queuedBody(notices: object[]): string {
  const entries = notices as V1NoticeEntry[];
  const key = v1DedupeKeyOf(entries);
  return JSON.stringify(toV1QueuedNotice(entries, key, `welkin-v1-events/dt=x/${key}.json`, new Date()));
}

describe('welkin-v1 webhook worker batch', () => {
  it('pulls each good message, skips an unknown resource, and reports only the bad messages as failed', async () => {
    // Prepare
    const client = new WelkinV1Client(configOf(sim, 4), new MemoryTokenStore());
    const window = sim.notice('workers', '2000-01-01T00:00:00.000000+00:00', new Date().toISOString());
    const unknown = { ...window, resource: 'not_a_resource' };
    const outcomes: (V1PullOutcome | RealtimeOutcome)[] = [];
    const failures: string[] = [];
    // Act
    const response = await processV1NoticeBatch({
      records: [
        record('good', queuedBody([window, unknown])),
        record('not-json', '{'),
        record('wrong-shape', JSON.stringify({ version: 1 })),
      ],
      client,
      sink,
      onOutcome: (outcome) => outcomes.push(outcome),
      onFailure: (id, reason) => failures.push(`${id}: ${reason}`),
    });
    // Assess
    expect(response.batchItemFailures.map((item) => item.itemIdentifier).sort()).toEqual([
      'not-json',
      'wrong-shape',
    ]);
    expect(failures.sort()).toEqual([
      'not-json: message is not JSON',
      'wrong-shape: message is not a queued Welkin v1 notice',
    ]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['pulled', 'skipped']);
    const [key] = await sink.list('welkin-v1-changes/workers');
    const ids = ((await sink.getText(key as string)) ?? '')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).id);
    expect(ids.sort()).toEqual(sim.ids('workers').sort());
  });

  it('fails a message whose pull keeps failing, leaving no partial change file', async () => {
    // Prepare
    const client = new WelkinV1Client(
      { ...configOf(sim, 4), retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1, rateLimitRetries: 0 } },
      new MemoryTokenStore(),
    );
    await client.tokens.token();
    sim.setFaults({ errorRate: 1 });
    const window = sim.notice('workers', '2000-01-01T00:00:00.000000+00:00', new Date().toISOString());
    const failures: string[] = [];
    // Act
    const response = await processV1NoticeBatch({
      records: [record('m1', queuedBody([window]))],
      client,
      sink,
      onFailure: (id, reason) => failures.push(`${id}: ${reason}`),
    });
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(failures).toEqual(['m1: HttpError (status 503)']);
    expect(await sink.list('welkin-v1-changes')).toEqual([]);
  });
});
