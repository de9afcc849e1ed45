import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { configProblem } from '../config-error.js';
import { describeError } from '../errors.js';
import type { Sink } from '../output/sink.js';
import type { Env } from '../sources/source-module.js';
import { outputEnvFrom, outputSink } from './output-env.js';
import { TtlCache } from './ttl-cache.js';

/** One delivery to a Function URL, as the receivers read it. */
export interface DeliveryRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: string | Uint8Array | undefined;
  /** The URL the sender was given (the Function URL's own host), for audience checks. */
  url: string;
}

/** What a receiver answers; `outcome` is safe to log (never a secret, a body or names from it). */
export interface DeliveryResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  outcome: { kind: 'accepted' | 'failed' | 'rejected' };
}

export interface ReceiverSpec<Config> {
  serviceName: string;
  /** The variable the stack puts the queue's URL in. */
  queueUrlEnv: string;
  /** Reads the receiver's secrets (verification keys); cached, and reloaded when a delivery is refused. */
  loadConfig(secrets: SecretsManagerClient, env: Env): Promise<Config>;
  /** Authenticates, stores durably, queues, answers. */
  receive(
    request: DeliveryRequest,
    config: Config,
    out: { sink: Sink; sqs: SQSClient; queueUrl: string },
  ): Promise<DeliveryResponse>;
}

const CONFIG_TTL_MS = 5 * 60_000;
// A refused delivery reloads the config at most this often, so a rotation is seen at once but forged calls
// cannot drive Secrets Manager traffic.
const RELOAD_ON_REJECT_AFTER_MS = 60_000;

function requestOf(event: APIGatewayProxyEventV2): DeliveryRequest {
  const body =
    event.body === undefined
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64')
        : event.body;
  return {
    method: event.requestContext?.http?.method ?? 'GET',
    headers: event.headers ?? {},
    body,
    url: `https://${event.requestContext?.domainName ?? 'invalid'}${event.rawPath ?? '/'}`,
  };
}

/** The webhook receiver Lambda of any source (Function URL, payload 2.0). */
export function receiverHandler<Config>(spec: ReceiverSpec<Config>) {
  const logger = new Logger({ serviceName: spec.serviceName });
  const s3 = new S3Client({});
  const sqs = new SQSClient({});
  const secrets = new SecretsManagerClient({});
  const config = new TtlCache<Config>(() => spec.loadConfig(secrets, process.env), CONFIG_TTL_MS);

  const log = ({ outcome }: DeliveryResponse) => {
    if (outcome.kind === 'accepted') logger.info('delivery accepted', { ...outcome });
    else if (outcome.kind === 'failed') logger.error('delivery not accepted', { ...outcome });
    else logger.warn('delivery rejected', { ...outcome });
  };

  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const queueUrl = process.env[spec.queueUrlEnv];
    if (!queueUrl)
      throw configProblem(spec.queueUrlEnv, 'not set', 'set it to the queue URL (the stack does)');
    const out = { sink: outputSink(s3, outputEnvFrom(process.env)), sqs, queueUrl };
    const request = requestOf(event);
    let response = await spec.receive(request, await config.get(), out);
    if (response.statusCode === 401 && config.age() > RELOAD_ON_REJECT_AFTER_MS) {
      try {
        response = await spec.receive(request, await config.refresh(), out);
      } catch (error) {
        logger.error('cannot reload webhook configuration', { reason: describeError(error) });
      }
    }
    log(response);
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  };
}
