import { workerHandler } from '../../shared/lambda/worker-handler.js';
import { processNoticeBatch } from '../../shared/welkin/webhooks/process-batch.js';
import { WelkinRecordFetcher } from '../../shared/welkin/webhooks/welkin-record-fetcher.js';
import { welkinClientFromSecrets } from '../../shared/welkin/webhooks/worker-env.js';

export const handler = workerHandler({
  serviceName: 'welkin-webhook-worker',
  connect: async (secrets, env) => new WelkinRecordFetcher(await welkinClientFromSecrets(secrets, env)),
  process: (records, fetcher, sink, report) =>
    processNoticeBatch({ records, api: fetcher.api, fetcher, sink, ...report }),
});
