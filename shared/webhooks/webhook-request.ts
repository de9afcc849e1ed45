export type HeaderValue = string | string[] | undefined;

/** A delivery as any transport hands it over (Lambda Function URL or the local server). */
export interface WebhookRequest {
  method: string;
  headers: Record<string, HeaderValue>;
  /** The raw body; `truncated` says the transport stopped reading it past the size limit. */
  body: string | Uint8Array | undefined;
  truncated?: boolean;
}

/** A header by case-insensitive name; a repeated header is ambiguous, so it counts as not presented. */
export function headerValue(headers: Record<string, HeaderValue>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
  }
  return undefined;
}

/** Why a body was refused, as the status and the error word of the reply. */
export interface BodyRefusal {
  statusCode: 400 | 413;
  error: string;
  message: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function byteLength(body: WebhookRequest['body']): number {
  if (body === undefined) return 0;
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

function decode(body: WebhookRequest['body']): string | undefined {
  if (body === undefined || typeof body === 'string') return body ?? '';
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

/**
 * The body parsed by `parse`, after the size and UTF-8 checks (a leading BOM dropped), or why it was refused.
 * Size comes first so an oversized body is never decoded.
 */
export function readJsonBody(
  request: WebhookRequest,
  maxBytes: number,
  parse: (text: string) => unknown,
): { raw: unknown } | { refusal: BodyRefusal } {
  if (request.truncated || byteLength(request.body) > maxBytes) {
    return {
      refusal: { statusCode: 413, error: 'payload_too_large', message: `body exceeds ${maxBytes} bytes` },
    };
  }
  const text = decode(request.body);
  if (text === undefined) {
    return { refusal: { statusCode: 400, error: 'invalid_body', message: 'body is not valid UTF-8' } };
  }
  try {
    return { raw: parse(text.replace(/^\uFEFF/, '')) };
  } catch {
    return { refusal: { statusCode: 400, error: 'invalid_json', message: 'body is not valid JSON' } };
  }
}
