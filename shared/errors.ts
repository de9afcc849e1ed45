/**
 * Every error the pipeline raises on purpose. Messages are one line, name what failed and where, and never
 * carry a credential or a record body: callers print `message` as is.
 */
export class PipelineError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Configuration is missing or invalid: nothing was contacted yet. */
export class ConfigError extends PipelineError {}

/** An upstream API answered with an error status, or not at all. */
export class HttpError extends PipelineError {
  /** Machine-readable error codes from the response body (e.g. Welkin's errorCode), never the body itself. */
  readonly codes: readonly string[];

  constructor(
    message: string,
    readonly status: number | undefined,
    readonly url: string,
    options?: { cause?: unknown; codes?: readonly string[] },
  ) {
    super(message, options);
    this.codes = options?.codes ?? [];
  }
}

/**
 * A 403: the credential is valid but may not read this one resource (a role or security policy). It fails that
 * resource only, and no retry fixes it: a person grants the access, so the state machine does not retry it.
 */
export class ForbiddenError extends HttpError {}

/** An upstream API answered 2xx with a body we cannot use (not JSON, wrong shape). */
export class MalformedResponseError extends PipelineError {}

/** A credential or token could not be obtained. */
export class AuthError extends PipelineError {}

/** Writing to or reading from the output location failed. */
export class SinkError extends PipelineError {}

/**
 * A run may no longer be continued or published: its execution lost the lease (stopped, timed out, taken over)
 * or parts it listed are gone (a clean-up discarded them). Only a new execution helps; retrying never does.
 */
export class RunAbandonedError extends PipelineError {}

/** An export of one resource failed; wraps the cause with the resource name. */
export class ExportError extends PipelineError {
  constructor(
    readonly source: string,
    readonly resource: string,
    cause: unknown,
  ) {
    super(`${source}/${resource}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** One-line description of any thrown value, safe to print. */
export function describeError(error: unknown): string {
  if (error instanceof PipelineError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  return String(error);
}
