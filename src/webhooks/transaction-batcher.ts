import type { Transaction } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';

type Work<T> = (trx: Transaction<Database>) => Promise<T>;

interface Item {
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Most pieces of work one commit carries. */
export const MAX_BATCH = 64;

/**
 * Group commit: small transactions handed in while a batch is being written wait for
 * the next one, so attempts that finish together cost one commit (one fsync on SQLite)
 * instead of one each. Each caller still learns its own result only after its commit.
 * A batch that fails is written again one transaction per piece, so one bad piece
 * cannot fail the others.
 */
export interface BatcherOptions {
  /**
   * How long the first piece of a batch waits for others to join it (0: only those handed
   * in during the same turn of the event loop). For work nobody waits on, such as webhook
   * attempt records, a few milliseconds turn many commits into one.
   */
  collectMs?: number;
}

export class TransactionBatcher {
  private pending: Item[] = [];
  private flushing: Promise<void> | undefined;
  private startNow: (() => void) | undefined;

  constructor(
    private readonly transaction: Services['transaction'],
    private readonly options: BatcherOptions = {},
  ) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.flushing ??= this.flush();
      if (this.pending.length >= MAX_BATCH) this.startNow?.();
    });
  }

  private async flush(): Promise<void> {
    await new Promise<void>((resolve) => {
      const collectMs = this.options.collectMs ?? 0;
      const timer = collectMs > 0 ? setTimeout(resolve, collectMs) : setImmediate(resolve);
      // A full batch does not wait out the window.
      this.startNow = () => {
        clearTimeout(timer as NodeJS.Timeout);
        clearImmediate(timer as NodeJS.Immediate);
        resolve();
      };
    });
    this.startNow = undefined;
    while (this.pending.length > 0) await this.write(this.pending.splice(0, MAX_BATCH));
    this.flushing = undefined;
  }

  private async write(batch: Item[]): Promise<void> {
    try {
      const results = await this.transaction(async (trx) => {
        const out: unknown[] = [];
        for (const item of batch) out.push(await item.work(trx));
        return out;
      });
      batch.forEach((item, i) => item.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const item of batch) {
        await this.transaction(item.work).then(item.resolve, item.reject);
      }
    }
  }
}
