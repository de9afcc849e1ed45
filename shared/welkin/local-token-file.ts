import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEnv } from '../config-error.js';
import { apiClientKey, type WelkinConfig } from './config.js';

export const tokenFileEnvSchema = z.object({
  WELKIN_TOKEN_FILE: z.string().optional().meta({
    description: 'the file where the CLI caches the Welkin token (Lambdas use Secrets Manager)',
    fallback: 'OS temp folder, one file per API client',
  }),
});

/**
 * Where the CLI keeps the token: `WELKIN_TOKEN_FILE`, or one file per API client in the OS temp folder (named
 * by a hash, so the folder listing reveals neither tenant nor client), shared by concurrent CLI runs.
 */
export function localTokenFile(config: WelkinConfig, env: Record<string, string | undefined>): string {
  const { WELKIN_TOKEN_FILE } = parseEnv(tokenFileEnvSchema, env);
  if (WELKIN_TOKEN_FILE) return WELKIN_TOKEN_FILE;
  const key = apiClientKey(config).slice(0, 24);
  return join(tmpdir(), `welkin-token-${key}.json`);
}
