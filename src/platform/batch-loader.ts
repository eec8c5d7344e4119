/**
 * Coalesces lookups by key made in the same turn of the event loop into one call of
 * `loadMany`: jobs started together each ask for their own row, and the database answers
 * them with one query instead of one each.
 */
export class BatchLoader<K, V> {
  private pending = new Map<
    K,
    { resolve(value: V | undefined): void; reject(e: unknown): void }[]
  >();
  private scheduled = false;

  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    /** Most keys one call carries; more are split into several calls. */
    private readonly maxBatch = 100,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(key) ?? [];
      waiters.push({ resolve, reject });
      this.pending.set(key, waiters);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    const keys = [...batch.keys()];
    for (let start = 0; start < keys.length; start += this.maxBatch) {
      const slice = keys.slice(start, start + this.maxBatch);
      try {
        const found = await this.loadMany(slice);
        for (const key of slice) for (const w of batch.get(key)!) w.resolve(found.get(key));
      } catch (error) {
        for (const key of slice) for (const w of batch.get(key)!) w.reject(error);
      }
    }
  }
}
