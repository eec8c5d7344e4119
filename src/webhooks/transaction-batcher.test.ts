import type { Transaction } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../platform/db/schema.js';
import { MAX_BATCH, TransactionBatcher } from './transaction-batcher.js';

/** A stand-in for services.transaction that counts commits and rolls back on a throw. */
function fakeTransactions() {
  const commits: string[][] = [];
  const transaction = async <T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> => {
    const writes: string[] = [];
    const trx = { writes } as unknown as Transaction<Database>;
    const result = await fn(trx);
    commits.push(writes);
    return result;
  };
  const write =
    (name: string, fail = false) =>
    async (trx: Transaction<Database>) => {
      if (fail) throw new Error(`${name} failed`);
      (trx as unknown as { writes: string[] }).writes.push(name);
      return name.toUpperCase();
    };
  return { commits, transaction, write };
}

describe('transaction batcher (group commit)', () => {
  it('writes pieces handed in together in one transaction, each getting its own result', async () => {
    const { commits, transaction, write } = fakeTransactions();
    const batcher = new TransactionBatcher(transaction);
    const results = await Promise.all(['a', 'b', 'c'].map((n) => batcher.run(write(n))));
    expect(results).toEqual(['A', 'B', 'C']);
    expect(commits).toEqual([['a', 'b', 'c']]);

    expect(await batcher.run(write('d'))).toBe('D');
    expect(commits).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('writes the pieces of a failed batch one by one, so only the bad one fails', async () => {
    const { commits, transaction, write } = fakeTransactions();
    const batcher = new TransactionBatcher(transaction);
    const results = await Promise.allSettled([
      batcher.run(write('a')),
      batcher.run(write('bad', true)),
      batcher.run(write('c')),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual([
      'A',
      'Error: bad failed',
      'C',
    ]);
    expect(commits).toEqual([['a'], ['c']]);
  });

  it(`puts at most MAX_BATCH (${MAX_BATCH}) pieces in one commit`, async () => {
    const { commits, transaction, write } = fakeTransactions();
    const batcher = new TransactionBatcher(transaction);
    const names = Array.from({ length: MAX_BATCH + 1 }, (_, i) => `w${i}`);
    await Promise.all(names.map((n) => batcher.run(write(n))));
    expect(commits.map((c) => c.length)).toEqual([MAX_BATCH, 1]);
  });

  describe('with a collection window', () => {
    afterEach(() => void vi.useRealTimers());

    it('lets pieces handed in during the window join the first commit', async () => {
      vi.useFakeTimers();
      const { commits, transaction, write } = fakeTransactions();
      const batcher = new TransactionBatcher(transaction, { collectMs: 20 });
      const first = batcher.run(write('a'));
      await vi.advanceTimersByTimeAsync(10);
      const second = batcher.run(write('b'));
      expect(commits).toEqual([]);
      await vi.advanceTimersByTimeAsync(10);
      expect(await Promise.all([first, second])).toEqual(['A', 'B']);
      expect(commits).toEqual([['a', 'b']]);
    });

    it('writes a full batch at once, without waiting out the window', async () => {
      vi.useFakeTimers();
      const { commits, transaction, write } = fakeTransactions();
      const batcher = new TransactionBatcher(transaction, { collectMs: 60_000 });
      const names = Array.from({ length: MAX_BATCH }, (_, i) => `w${i}`);
      const done = Promise.all(names.map((n) => batcher.run(write(n))));
      await vi.advanceTimersByTimeAsync(0);
      await done;
      expect(commits.map((c) => c.length)).toEqual([MAX_BATCH]);
    });
  });
});
