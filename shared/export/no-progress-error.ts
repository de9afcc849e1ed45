import { PipelineError } from '../errors.js';

/**
 * A resource's paging stopped making progress: the same request again, a page with nothing new that does not
 * move the position, or far more requests than its rows need. Asking again repeats the loop, so it fails the
 * resource at once (not the run: other resources page on their own); the message names the redacted URL.
 */
export class NoProgressError extends PipelineError {}
