import { z } from 'zod';

/**
 * An Amazon SNS message as SNS POSTs it to an HTTPS subscriber (AWS SNS developer guide, "HTTP/HTTPS
 * subscription confirmation JSON format" and "… notification JSON format"). Loose: SNS adds fields.
 */
export const snsMessageSchema = z.looseObject({
  Type: z.enum(['SubscriptionConfirmation', 'Notification', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1).max(128),
  TopicArn: z.string().min(1).max(512),
  Message: z.string().max(256 * 1024),
  Timestamp: z.string().min(1).max(64),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1).max(4096),
  SigningCertURL: z.string().min(1).max(2048),
  Subject: z.string().max(512).optional(),
  SubscribeURL: z.string().max(4096).optional(),
  Token: z.string().max(2048).optional(),
});

export type SnsMessage = z.infer<typeof snsMessageSchema>;

/** `sns.<region>.amazonaws.com` (and the China partition's `.com.cn`): the only hosts SNS signs and confirms from. */
const SNS_HOST = /^sns\.[a-z]{2}(-gov)?-[a-z]+-\d\.amazonaws\.com(\.cn)?$/;

/** The URL when it is https on an SNS host with no credentials or odd port; otherwise undefined. */
export function snsUrl(text: string | undefined): URL | undefined {
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const plain = url.protocol === 'https:' && !url.username && !url.password && url.port === '';
  return plain && SNS_HOST.test(url.hostname) ? url : undefined;
}

/**
 * The string SNS signs: name and value of each field on its own line, each followed by a newline, in byte
 * order of the names. Notification: Message, MessageId, Subject (when present), Timestamp, TopicArn, Type.
 * Subscription and unsubscription confirmations: Message, MessageId, SubscribeURL, Timestamp, Token,
 * TopicArn, Type.
 */
export function stringToSign(message: SnsMessage): string {
  const fields =
    message.Type === 'Notification'
      ? [
          'Message',
          'MessageId',
          ...(message.Subject === undefined ? [] : ['Subject']),
          'Timestamp',
          'TopicArn',
          'Type',
        ]
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return fields.map((field) => `${field}\n${String(message[field as keyof SnsMessage] ?? '')}\n`).join('');
}
