import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  testDialects,
  type TestDatabase,
} from '../../test/support/databases.js';
import { ManualClock } from '../../test/support/harness.js';
import { migrateToLatest, openDatabase, type Db } from './db/database.js';
import { enqueueJob, finishJobIn, JobQueue, rescheduleJobIn } from './jobs.js';
import { createLogger } from './logger.js';

const dialects = await testDialects();
const log = createLogger('silent');
const options = { pollIntervalMs: 20, leaseMs: 5_000, concurrency: 8 };

describe.each(dialects)('job queue (%s)', (dialect) => {
  let database: TestDatabase;
  let first: Db;
  let second: Db;
  const clock = new ManualClock();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    first = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    await migrateToLatest(first);
    // A second handle on the same database stands in for a second server process.
    second = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    await database.drop();
  });

  it('runs each job exactly once when two workers compete', async () => {
    const seen: number[] = [];
    const queues = [first, second].map((db) => {
      const queue = new JobQueue(db, clock, log, options);
      queue.register('count', async (payload) => {
        await new Promise((r) => setTimeout(r, 1));
        seen.push((payload as { n: number }).n);
      });
      return queue;
    });
    for (let n = 0; n < 60; n++) await enqueueJob(first.kysely, clock, 'count', { n });

    await Promise.all(queues.map((q) => q.runDue()));
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(60).keys()]);
    const left = await first.kysely.selectFrom('jobs').select('id').execute();
    expect(left).toHaveLength(0);
  });

  it('runs a job only when it is due, and again at the time a handler asks for', async () => {
    const runs: number[] = [];
    const queue = new JobQueue(first, clock, log, options);
    queue.register('later', async () => {
      runs.push(clock.nowMs());
      return runs.length === 1 ? { retryAtMs: clock.nowMs() + 60_000 } : undefined;
    });
    await enqueueJob(first.kysely, clock, 'later', {}, clock.nowMs() + 1_000);

    expect(await queue.runDue()).toBe(0);
    clock.advance(1_000);
    expect(await queue.runDue()).toBe(1);
    clock.advance(59_999);
    expect(await queue.runDue()).toBe(0);
    clock.advance(1);
    expect(await queue.runDue()).toBe(1);
    expect(runs).toHaveLength(2);
  });

  it('takes over a job whose worker died once its lease runs out', async () => {
    const crashed = new JobQueue(first, clock, log, options);
    crashed.register('stuck', () => new Promise(() => {})); // never finishes: its process "died"
    await enqueueJob(first.kysely, clock, 'stuck', {});
    void crashed.runDue();
    await new Promise((r) => setTimeout(r, 50));

    let ran = 0;
    const survivor = new JobQueue(second, clock, log, options);
    survivor.register('stuck', async () => {
      ran += 1;
    });
    expect(await survivor.runDue()).toBe(0);
    clock.advance(options.leaseMs + 1);
    expect(await survivor.runDue()).toBe(1);
    expect(ran).toBe(1);
  });

  it('retries a throwing handler with backoff, then leaves it failed', async () => {
    const queue = new JobQueue(first, clock, log, { ...options, maxAttempts: 3 });
    let calls = 0;
    queue.register('flaky', async () => {
      calls += 1;
      throw new Error('boom');
    });
    const id = await enqueueJob(first.kysely, clock, 'flaky', {});
    for (let i = 0; i < 5; i++) {
      await queue.runDue();
      clock.advance(60_000);
    }
    expect(calls).toBe(3);
    const row = await first.kysely
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', last_error: 'boom', attempts: 3 });
  });

  it('runs at most group_limit jobs of a group at once, across workers', async () => {
    let running = 0;
    let peak = 0;
    const ran: string[] = [];
    const queues = [first, second].map((db) => {
      const queue = new JobQueue(db, clock, log, options);
      queue.register('grouped', async (payload) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        ran.push((payload as { name: string }).name);
        running -= 1;
      });
      return queue;
    });
    for (let n = 0; n < 12; n++) {
      await enqueueJob(first.kysely, clock, 'grouped', { name: `a${n}` }, undefined, {
        key: 'endpoint-a',
        limit: 2,
      });
    }

    await Promise.all(queues.map((q) => q.runDue()));
    // SQLite has one writer, so even two workers' claims never overlap: the cap is exact.
    if (dialect === 'sqlite') expect(peak).toBe(2);
    else expect(peak).toBeLessThanOrEqual(4);
    expect(ran.sort()).toEqual([...Array(12).keys()].map((n) => `a${n}`).sort());
  });

  it('claims other groups past one that is at its limit', async () => {
    const queue = new JobQueue(first, clock, log, { ...options, concurrency: 4 });
    const started: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    queue.register('fair', async (payload) => {
      const { name } = payload as { name: string };
      started.push(name);
      if (name.startsWith('slow')) await held;
    });
    // Forty older jobs of one group come first in run_at order; two of another after them.
    for (let n = 0; n < 40; n++) {
      const group = { key: 'slow', limit: 2 };
      await enqueueJob(first.kysely, clock, 'fair', { name: `slow${n}` }, undefined, group);
    }
    clock.advance(1);
    for (const name of ['fast0', 'fast1']) {
      await enqueueJob(first.kysely, clock, 'fair', { name }, undefined, { key: 'fast', limit: 2 });
    }

    queue.start();
    const deadline = Date.now() + 5_000;
    while (started.filter((n) => n.startsWith('fast')).length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(started.filter((n) => n.startsWith('fast')).sort()).toEqual(['fast0', 'fast1']);
    expect(started.filter((n) => n.startsWith('slow')).sort()).toEqual(['slow0', 'slow1']);
    release();
    await queue.stop();
    await first.kysely.deleteFrom('jobs').execute();
  });

  it('does not count a handler-requested re-run as a failure', async () => {
    const queue = new JobQueue(first, clock, log, { ...options, maxAttempts: 2 });
    let calls = 0;
    queue.register('patient', async () => {
      calls += 1;
      if (calls <= 3) return { retryAtMs: clock.nowMs() };
      if (calls === 4) throw new Error('once');
    });
    const id = await enqueueJob(first.kysely, clock, 'patient', {});
    for (let i = 0; i < 6; i++) {
      await queue.runDue();
      clock.advance(60_000);
    }
    expect(calls).toBe(5);
    const left = await first.kysely.selectFrom('jobs').select('id').where('id', '=', id).execute();
    expect(left).toEqual([]);
  });

  it('leaves the row to a handler that settled it in its own transaction', async () => {
    const queue = new JobQueue(first, clock, log, options);
    queue.register('settles', async (payload, job) => {
      const { again } = payload as { again: boolean };
      return first.kysely
        .transaction()
        .execute((trx) =>
          again ? rescheduleJobIn(trx, job, clock.nowMs() + 60_000) : finishJobIn(trx, job),
        );
    });
    const done = await enqueueJob(first.kysely, clock, 'settles', { again: false });
    const later = await enqueueJob(first.kysely, clock, 'settles', { again: true });
    expect(await queue.runDue()).toBe(2);

    const rows = await first.kysely
      .selectFrom('jobs')
      .selectAll()
      .where('id', 'in', [done, later])
      .execute();
    expect(rows).toMatchObject([
      {
        id: later,
        status: 'queued',
        attempts: 0,
        locked_by: null,
        run_at: new Date(clock.nowMs() + 60_000).toISOString(),
      },
    ]);
    await first.kysely.deleteFrom('jobs').execute();
  });

  it('runs the successors a handler claimed in its own commit, within the concurrency', async () => {
    const realClock = { nowMs: () => Date.now() };
    const queue = new JobQueue(first, realClock, log, { ...options, concurrency: 2 });
    const ran: number[] = [];
    let running = 0;
    let peak = 0;
    let chained = 0;
    queue.register('chain', async (payload, job) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      ran.push((payload as { n: number }).n);
      running -= 1;
      return first.kysely.transaction().execute(async (trx) => {
        await finishJobIn(trx, job);
        const successors = await queue.claimSuccessorsIn(trx, job);
        chained += successors.length;
        return { settled: true as const, successors };
      });
    });
    for (let n = 0; n < 20; n++) await enqueueJob(first.kysely, realClock, 'chain', { n });

    queue.start();
    const deadline = Date.now() + 10_000;
    while (ran.length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await queue.stop();
    expect(ran.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(peak).toBeLessThanOrEqual(2);
    // Only SQLite's single writer makes a claim inside a longer transaction safe.
    if (dialect === 'sqlite') expect(chained).toBeGreaterThan(0);
    else expect(chained).toBe(0);
    expect(await first.kysely.selectFrom('jobs').select('id').execute()).toEqual([]);
  });

  it('claims no successors while stepped by runDue', async () => {
    const queue = new JobQueue(first, clock, log, options);
    let claimed = -1;
    queue.register('stepped', async (_payload, job) =>
      first.kysely.transaction().execute(async (trx) => {
        await finishJobIn(trx, job);
        claimed = (await queue.claimSuccessorsIn(trx, job)).length;
        return { settled: true as const };
      }),
    );
    await enqueueJob(first.kysely, clock, 'stepped', {});
    await enqueueJob(first.kysely, clock, 'stepped', {});
    expect(await queue.runDue()).toBe(2);
    expect(claimed).toBe(0);
  });

  it('wakes the running loop as soon as work is enqueued', async () => {
    const queue = new JobQueue(first, { nowMs: () => Date.now() }, log, {
      ...options,
      pollIntervalMs: 60_000,
    });
    const done = new Promise<void>((resolve) => queue.register('ping', async () => resolve()));
    queue.start();
    await new Promise((r) => setTimeout(r, 50));
    await enqueueJob(first.kysely, { nowMs: () => Date.now() }, 'ping', {});
    queue.wake();
    await done;
    await queue.stop();
  });
});
