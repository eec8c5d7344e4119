import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  testDialects,
  type TestDatabase,
} from '../../test/support/databases.js';
import { ManualClock } from '../../test/support/harness.js';
import { migrateToLatest, openDatabase, type Db } from './db/database.js';
import { GROUP_PREFETCH_PER_SLOT } from './job-claim.js';
import { enqueueJob, finishJobIn, JobQueue, rescheduleJobIn } from './jobs.js';
import { createLogger } from './logger.js';

const dialects = await testDialects();
const log = createLogger('silent');
const options = { pollIntervalMs: 20, leaseMs: 5_000, concurrency: 8 };

/**
 * Runs the queue's loop until no job row is left, then a little longer, so a second copy
 * of a job held ready would start and be seen, and stops it.
 */
async function runUntilDrained(queue: JobQueue, db: Db): Promise<void> {
  queue.start();
  const deadline = Date.now() + 8_000;
  const left = () => db.kysely.selectFrom('jobs').select('id').execute();
  while ((await left()).length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 250));
  await queue.stop();
  expect(await left()).toEqual([]);
}

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
    // One worker holds a group at a time, so the cap is exact on both dialects.
    expect(peak).toBe(2);
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

  it('leaves a group to the worker that holds it, which claims ahead up to the prefetch', async () => {
    const group = { key: 'held', limit: 2 };
    for (let n = 0; n < 40; n++) {
      await enqueueJob(first.kysely, clock, 'hold', { n }, undefined, group);
    }
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const holder = new JobQueue(first, clock, log, options);
    let started = 0;
    holder.register('hold', async () => {
      started += 1;
      await held;
    });
    const other = new JobQueue(second, clock, log, options);
    let stolen = 0;
    other.register('hold', async () => void (stolen += 1));

    holder.start();
    const deadline = Date.now() + 5_000;
    while (started < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(await other.runDue()).toBe(0);
    expect(stolen).toBe(0);
    expect(started).toBe(2);
    const claimed = await first.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'running')
      .executeTakeFirstOrThrow();
    expect(Number(claimed.n)).toBe(group.limit * GROUP_PREFETCH_PER_SLOT);

    release();
    while (started < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await holder.stop();
    expect(started).toBe(40);
    expect(await first.kysely.selectFrom('jobs').select('id').execute()).toEqual([]);
  });

  it('renews the lease of a claimed job that waited half of it before it runs', async () => {
    const queue = new JobQueue(first, clock, log, { ...options, leaseMs: 4_000 });
    const leases: (string | null)[] = [];
    queue.register('slow', async (_payload, job) => {
      leases.push(job.locked_until);
      clock.advance(3_000);
    });
    const group = { key: 'one-at-a-time', limit: 1 };
    await enqueueJob(first.kysely, clock, 'slow', {}, undefined, group);
    await enqueueJob(first.kysely, clock, 'slow', {}, undefined, group);
    const claimedAt = clock.nowMs();
    expect(await queue.runDue()).toBe(2);

    // Both were claimed at once; the second ran 3 s later, with a lease from then.
    expect(leases).toEqual([
      new Date(claimedAt + 4_000).toISOString(),
      new Date(claimedAt + 3_000 + 4_000).toISOString(),
    ]);
  });

  it('starts the next job of a group once a handler releases its slot, before it ends', async () => {
    const queue = new JobQueue(first, clock, log, options);
    const order: string[] = [];
    let secondStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => (secondStarted = resolve));
    queue.register('released', async (payload, _job, slot) => {
      const { n } = payload as { n: number };
      order.push(`start ${n}`);
      if (n === 1) return secondStarted();
      slot.release();
      await started; // with the group's one slot still held, this would never resolve
      order.push(`end ${n}`);
    });
    const group = { key: 'single-slot', limit: 1 };
    await enqueueJob(first.kysely, clock, 'released', { n: 0 }, undefined, group);
    await enqueueJob(first.kysely, clock, 'released', { n: 1 }, undefined, group);

    expect(await queue.runDue()).toBe(2);
    expect(order).toEqual(['start 0', 'start 1', 'end 0']);
  });

  it('keeps claiming a group past the prefetch while released jobs are still recording', async () => {
    // Jobs whose slot is released but whose record has not committed keep their rows
    // claimed; they must not count against what the worker may claim ahead.
    const group = { key: 'recording', limit: 1 };
    const total = GROUP_PREFETCH_PER_SLOT + 4;
    for (let n = 0; n < total; n++) {
      await enqueueJob(first.kysely, clock, 'record', { n }, undefined, group);
    }
    let commit: () => void = () => {};
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let started = 0;
    const queue = new JobQueue(first, clock, log, options);
    queue.register('record', async (_payload, _job, slot) => {
      started += 1;
      slot.release();
      await committed;
    });

    queue.start();
    const deadline = Date.now() + 5_000;
    while (started < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(started).toBe(total);
    commit();
    await queue.stop();
    expect(await first.kysely.selectFrom('jobs').select('id').execute()).toEqual([]);
  });

  it('never claims again the jobs it holds ready, even once their leases run out', async () => {
    // A slow endpoint's queue: the jobs waiting behind a long attempt outlive their lease.
    const group = { key: 'lapsing', limit: 1 };
    for (let n = 0; n < 4; n++) {
      await enqueueJob(first.kysely, clock, 'lapse', { n }, undefined, group);
    }
    const runs: number[] = [];
    const queue = new JobQueue(first, clock, log, { ...options, leaseMs: 1_000 });
    queue.register('lapse', async (payload) => {
      const { n } = payload as { n: number };
      runs.push(n);
      if (n !== 0) return;
      clock.advance(5_000);
      await new Promise((r) => setTimeout(r, 100)); // the loop claims several times meanwhile
    });

    await runUntilDrained(queue, first);
    expect(runs.sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
  });

  it('runs each job of a slow group once when its queue outlasts the lease', async () => {
    // Real time: twelve 150 ms attempts one at a time, each then recorded for 20 ms, with
    // a 400 ms lease, so the last ones wait in `ready` long past it while the loop claims.
    const realClock = { nowMs: () => Date.now() };
    const group = { key: 'slow-queue', limit: 1 };
    for (let n = 0; n < 12; n++) {
      await enqueueJob(first.kysely, realClock, 'slow-queue', { n }, undefined, group);
    }
    const runs: number[] = [];
    const queue = new JobQueue(first, realClock, log, { ...options, leaseMs: 400 });
    queue.register('slow-queue', async (payload, _job, slot) => {
      runs.push((payload as { n: number }).n);
      await new Promise((r) => setTimeout(r, 150));
      slot.release();
      await new Promise((r) => setTimeout(r, 20));
    });

    await runUntilDrained(queue, first);
    expect(runs.sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
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
