/**
 * One value loaded on demand and kept for `ttlMs`, for a Lambda's module scope: warm invocations skip the
 * Secrets Manager call, and a rotated secret is picked up within the TTL. Concurrent callers share one load;
 * a failed load is not cached.
 */
export class TtlCache<T> {
  private value: { data: T; loadedAt: number } | undefined;
  private loading: Promise<T> | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  async get(): Promise<T> {
    if (this.value && this.clock() - this.value.loadedAt < this.ttlMs) return this.value.data;
    return this.refresh();
  }

  /** Milliseconds since the cached value was loaded; Infinity when there is none. */
  age(): number {
    return this.value ? this.clock() - this.value.loadedAt : Number.POSITIVE_INFINITY;
  }

  refresh(): Promise<T> {
    this.loading ??= this.load()
      .then((data) => {
        this.value = { data, loadedAt: this.clock() };
        return data;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
