/**
 * Node flags for the exporter functions. A Lambda's V8 heap is otherwise sized from the function's memory and
 * lets garbage pile up to hundreds of MB before collecting; exports stream page by page and keep little alive,
 * so a small old space keeps RSS flat and low. The stack sets these as NODE_OPTIONS; the benchmark measures
 * the bundled handler with the same flags.
 */
export const EXPORTER_NODE_OPTIONS = '--max-old-space-size=96 --max-semi-space-size=4';
