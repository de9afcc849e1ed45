import { configProblem } from '../config-error.js';

/** The docs list au1-au4, ca1, uk1, uk2, eu1 and ask clients to accept anything shaped like a shard. */
const SHARD_SHAPE = /^[a-z]{2}\d{1,2}$/i;

/** The shard is the API key's suffix after the last '-'; keys issued before shards existed have none (au1). */
export function shardFromApiKey(apiKey: string): string {
  const dash = apiKey.lastIndexOf('-');
  if (dash < 0) return 'au1';
  const suffix = apiKey.slice(dash + 1);
  if (SHARD_SHAPE.test(suffix)) {
    return suffix.toLowerCase();
  }
  throw configProblem(
    'CLINIKO_API_KEY',
    'ends in an unrecognised shard suffix',
    'use the key as Cliniko shows it, ending in e.g. -au2 or -uk1',
  );
}

export function clinikoBaseUrl(apiKey: string): string {
  return `https://api.${shardFromApiKey(apiKey)}.cliniko.com/v1`;
}
