import type { IncomingMessage } from 'node:http';

/** Token requests are a few hundred bytes; anything far larger is refused rather than buffered. */
const MAX_TOKEN_BODY_BYTES = 64 * 1024;

/** The body of a token request as UTF-8 text, or undefined when it is larger than a token request can be. */
export async function readTokenBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_TOKEN_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
