/** A step of the output probe (shared/output/output-probe.ts). */
export type ProbeStep = 'write' | 'read' | 'list' | 'delete';

/** Causes no retry fixes: a person must grant, create or configure something first. */
export const PERMANENT_STORAGE_CAUSES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AllAccessDisabled',
  'NoSuchBucket',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'CredentialsProviderError',
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'KMS.AccessDeniedException',
  'KMS.DisabledException',
  'KMS.NotFoundException',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOTDIR',
  'EEXIST',
]);

/** The S3 action each probe step needs, for the permission hint. */
const S3_ACTION: Record<ProbeStep, string> = {
  write: 's3:PutObject (and, with a KMS key, kms:GenerateDataKey)',
  read: 's3:GetObject (and, with a KMS key, kms:Decrypt)',
  list: 's3:ListBucket with an s3:prefix condition covering this prefix',
  delete: 's3:DeleteObject',
};

/**
 * The storage's own name for a failure, found along the cause chain: S3's error code (`AccessDenied`,
 * `NoSuchBucket`; the HTTP status when the SDK could not read one, as for a bodiless 403) or a file system /
 * socket code (`EACCES`, `ECONNREFUSED`). Never a message: S3 messages may quote keys and ARNs at length.
 */
export function storageCause(error: unknown): string {
  for (let current = error; current instanceof Error; current = current.cause) {
    const { name, code, Code, $metadata } = current as Error & {
      code?: unknown;
      Code?: unknown;
      $metadata?: { httpStatusCode?: number };
    };
    if (typeof Code === 'string' && Code) return Code;
    if ($metadata) {
      if (name && !['Error', 'UnknownError', 'Unknown'].includes(name)) return name;
      const status = $metadata.httpStatusCode;
      if (status === 403) return 'AccessDenied';
      if (status !== undefined) return `HTTP ${status}`;
    }
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    if (name === 'CredentialsProviderError') return name;
  }
  return error instanceof Error && error.name !== 'Error' ? error.name : 'unknown error';
}

/** What to do about `cause` at `step`, in a few words. */
export function storageHint(step: ProbeStep, cause: string): string {
  if (cause === 'AccessDenied' || cause === 'AllAccessDisabled' || cause.startsWith('KMS.')) {
    return `grant ${S3_ACTION[step]} on this prefix to the role or user running the export`;
  }
  if (cause === 'NoSuchBucket') return 'the bucket does not exist: check the bucket name and the AWS account';
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken'].includes(cause)) {
    return 'the AWS credentials are refused or expired: renew them (AWS_PROFILE, AWS_ACCESS_KEY_ID)';
  }
  if (cause === 'CredentialsProviderError') return 'no AWS credentials found: set AWS_PROFILE or a role';
  if (cause === 'PermanentRedirect' || cause === 'AuthorizationHeaderMalformed') {
    return "the bucket is in another region: set AWS_REGION to the bucket's region";
  }
  if (['EACCES', 'EPERM', 'EROFS'].includes(cause)) return 'the folder is not writable by this user';
  if (cause === 'ENOTDIR' || cause === 'EEXIST') return 'a file stands where the folder should be';
  if (cause === 'ENOSPC') return 'the disk is full';
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(cause)) {
    return 'the storage endpoint did not answer: check AWS_ENDPOINT_URL_S3 (if set) and the network';
  }
  return 'retry; if it persists, check the storage and its permissions';
}
