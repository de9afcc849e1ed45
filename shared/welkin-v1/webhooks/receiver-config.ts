import type { NotifyCredential } from './notification-jwt.js';

/** What the receiver checks every call against. */
export interface V1ReceiverConfig {
  /** Current and, during a rotation, previous signing credentials. */
  credentials: readonly NotifyCredential[];
  /** The notify URL Welkin signs as `aud`; undefined: the URL the request arrived at. */
  notifyUrl?: string;
  maxBytes: number;
  /**
   * The SNS topics realtime messages may come from (AWS: "reject any message with an unexpected TopicArn");
   * undefined: any topic, since Welkin's is known only from its first confirmation request.
   */
  snsTopicArns?: readonly string[];
}

export const DEFAULT_V1_MAX_BYTES = 256 * 1024;
/** The client id we give Welkin for signing notifications, unless configured otherwise. */
export const DEFAULT_NOTIFY_CLIENT_ID = 'clinic-pipe';
