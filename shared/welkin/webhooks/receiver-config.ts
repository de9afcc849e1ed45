/** What the receiver checks every call against. */
export interface ReceiverConfig {
  /** Accepted shared secrets: the current one and, during a rotation, the previous one. */
  secrets: readonly string[];
  /** Header carrying the secret, matched case-insensitively. */
  secretHeader: string;
  maxBytes: number;
  tenant: string;
  instance: string;
}

export const DEFAULT_SECRET_HEADER = 'x-webhook-secret';
export const DEFAULT_MAX_BYTES = 256 * 1024;
