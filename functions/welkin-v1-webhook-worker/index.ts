import { workerHandler } from '../../shared/lambda/worker-handler.js';
import { WelkinV1Client } from '../../shared/welkin-v1/client.js';
import { welkinV1LambdaConfig } from '../../shared/welkin-v1/source.js';
import { processV1NoticeBatch } from '../../shared/welkin-v1/webhooks/process-batch.js';

/** Pulls the windows each queued v1 notification names; the token is shared with the export's. */
export const handler = workerHandler({
  serviceName: 'welkin-v1-webhook-worker',
  connect: async (secrets, env) => {
    const { config, tokenStore } = await welkinV1LambdaConfig(secrets, env);
    return new WelkinV1Client(config, tokenStore);
  },
  process: (records, client, sink, report) => processV1NoticeBatch({ records, client, sink, ...report }),
});
