/**
 * True once the invocation is close enough to its timeout that it should stop at the next page boundary:
 * closing the open part and returning the checkpoint must fit in the margin.
 */
export function deadlineWatch(remainingMs: () => number, marginMs: number): () => boolean {
  return () => remainingMs() < marginMs;
}
