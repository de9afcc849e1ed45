/** A duration for a message: "600 ms", "42 s", "4 min", "6 h". */
export function describeDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  if (ms >= 1_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms)} ms`;
}
