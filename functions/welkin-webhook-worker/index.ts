import { workerHandler } from '../../shared/lambda/worker-handler.js';
import { WelkinClient } from '../../shared/welkin/client.js';
import { welkinLambdaConfig } from '../../shared/welkin/source.js';
import { processNoticeBatch } from '../../shared/welkin/webhooks/process-batch.js';
import { WelkinRecordFetcher } from '../../shared/welkin/webhooks/welkin-record-fetcher.js';

/** Pulls the record each queued V8 notice points to; configured exactly as the export (welkinLambdaConfig). */
export const handler = workerHandler({
  serviceName: 'welkin-webhook-worker',
  connect: async (secrets, env) => {
    const { config, tokenStore } = await welkinLambdaConfig(secrets, env);
    return new WelkinRecordFetcher(new WelkinClient(config, tokenStore));
  },
  process: (records, fetcher, sink, report) =>
    processNoticeBatch({ records, api: fetcher.api, fetcher, sink, ...report }),
});
