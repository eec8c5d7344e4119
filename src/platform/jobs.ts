import { randomBytes } from 'node:crypto';
import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import type { Db, Executor } from './db/database.js';
import type { Database, JobTable } from './db/schema.js';
import { newId } from './ids.js';
import type { Logger } from './logger.js';
import type { Clock } from './time.js';

export type Job = Selectable<JobTable>;

/** What a handler may ask for instead of finishing: run again at this time. */
export interface JobRetry {
  retryAtMs: number;
}

/**
 * What a handler returns after it deleted or rescheduled its own row (finishJobIn,
 * rescheduleJobIn) inside the transaction that recorded its result: one commit, not two.
 */
export interface JobSettled {
  settled: true;
  /** Jobs the handler claimed with claimSuccessorsIn in that same transaction. */
  successors?: Job[];
}

export type JobHandler = (payload: unknown, job: Job) => Promise<JobRetry | JobSettled | void>;

export interface JobQueueOptions {
  pollIntervalMs: number;
  /** A claimed job whose lease runs out (its process died) is claimed again. */
  leaseMs: number;
  concurrency: number;
  /** How long stop() waits for running handlers. */
  drainTimeoutMs?: number;
  /** Failures a generic job may have before it is left as failed. */
  maxAttempts?: number;
}

/**
 * Jobs that share a key (a webhook endpoint's id) run at most `limit` at a time across
 * every worker and process; the claim skips a group at its limit, so jobs of other
 * groups are never stuck behind it.
 */
export interface JobGroup {
  key: string;
  limit: number;
}

const GENERIC_RETRY_BASE_MS = 1_000;
/** The loop's own claim in progress, as a reservation beside handlers' successor claims. */
const LOOP_CLAIM = 'loop';
const GENERIC_RETRY_MAX_MS = 10 * 60_000;
const DEFAULT_MAX_ATTEMPTS = 10;

/** Adds a job in the caller's transaction, so it exists exactly when the change commits. */
export async function enqueueJob(
  executor: Executor,
  clock: Clock,
  kind: string,
  payload: unknown,
  runAtMs: number = clock.nowMs(),
  group?: JobGroup,
): Promise<string> {
  const id = newId('job');
  await executor
    .insertInto('jobs')
    .values({
      id,
      kind,
      payload: JSON.stringify(payload),
      status: 'queued',
      run_at: new Date(runAtMs).toISOString(),
      attempts: 0,
      locked_by: null,
      locked_until: null,
      last_error: null,
      created_at: new Date(clock.nowMs()).toISOString(),
      group_key: group?.key ?? null,
      group_limit: group?.limit ?? null,
    })
    .execute();
  return id;
}

/** Deletes a claimed job in the caller's transaction; a job another worker took over stays. */
export async function finishJobIn(executor: Executor, job: Job): Promise<JobSettled> {
  await executor
    .deleteFrom('jobs')
    .where('id', '=', job.id)
    .where('locked_by', '=', job.locked_by)
    .execute();
  return { settled: true };
}

/** Queues a claimed job again for runAtMs in the caller's transaction (not a failure). */
export async function rescheduleJobIn(
  executor: Executor,
  job: Job,
  runAtMs: number,
): Promise<JobSettled> {
  await executor
    .updateTable('jobs')
    .set({
      status: 'queued',
      run_at: new Date(runAtMs).toISOString(),
      attempts: 0,
      locked_by: null,
      locked_until: null,
      last_error: null,
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', job.locked_by)
    .execute();
  return { settled: true };
}

/**
 * Live running jobs per group (an expired lease frees its slot). Uncorrelated, so the
 * database computes it once per claim, however long the queue behind a full group is.
 */
function runningByGroup(eb: ExpressionBuilder<Database, 'jobs'>, nowIso: string) {
  return eb
    .selectFrom('jobs as r')
    .select((s) => [
      'r.group_key',
      s.fn.countAll<number>().as('running'),
      s.fn.max('r.group_limit').as('group_limit'),
    ])
    .where('r.status', '=', 'running')
    .where('r.locked_until', '>=', nowIso)
    .where('r.group_key', 'is not', null)
    .groupBy('r.group_key');
}

/**
 * The durable job table worker. Claims are one atomic UPDATE: SQLite has a single
 * writer, PostgreSQL skips rows another server has locked, so no job runs twice at once.
 */
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly workerId = `wrk_${randomBytes(6).toString('hex')}`;
  private readonly inFlight = new Set<Promise<void>>();
  /** Slots promised to claims in progress or to claimed jobs not started yet, by claimer. */
  private readonly reserved = new Map<string, number>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private wakeRequested = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: JobQueueOptions,
  ) {}

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  /** Tells the loop new work may be due now, instead of waiting for the next poll. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    const deadline = new Promise<void>((resolve) => {
      setTimeout(resolve, this.options.drainTimeoutMs ?? 10_000).unref();
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
  }

  /** Claims and runs every due job once; tests call this to step the queue. */
  async runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const jobs = await this.claim(this.options.concurrency);
      if (jobs.length === 0) return total;
      total += jobs.length;
      await Promise.all(jobs.map((job) => this.execute(job)));
    }
  }

  /**
   * Claims, in the caller's transaction, the jobs that fill this worker's free slots once
   * `job` ends, so a handler that commits its result claims its successors in the same
   * commit instead of another one. The handler returns them in `{ settled: true,
   * successors }` and the queue starts them. If that commit is lost the claims are too;
   * if the handler fails after it, the successors' leases run out and they run again.
   * Only while the worker loop runs (runDue steps claim for themselves), and only on
   * SQLite, whose single writer keeps every claim in order: on PostgreSQL a claim inside
   * a longer transaction could miss another's uncommitted claims and overrun a group's
   * limit, so there the loop alone claims, one statement at a time.
   */
  async claimSuccessorsIn(executor: Executor, job: Job): Promise<Job[]> {
    if (!this.running || this.db.dialect !== 'sqlite') return [];
    this.reserved.delete(job.id); // a handler run again (its batch failed) claims afresh
    const capacity = this.freeSlots() + 1;
    if (capacity <= 0) return [];
    // Held while the claim runs, so no other claim counts the same slots as free.
    this.reserved.set(job.id, capacity);
    const successors = await this.claim(capacity, executor);
    this.reserved.set(job.id, successors.length);
    return successors;
  }

  private freeSlots(): number {
    let reserved = 0;
    for (const count of this.reserved.values()) reserved += count;
    return this.options.concurrency - this.inFlight.size - reserved;
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      const capacity = this.freeSlots();
      let claimed = 0;
      if (capacity > 0) {
        this.reserved.set(LOOP_CLAIM, capacity);
        try {
          const jobs = await this.claim(capacity);
          claimed = jobs.length;
          for (const job of jobs) this.track(this.execute(job));
        } catch (error) {
          this.log.error({ err: error }, 'job claim failed');
        } finally {
          this.reserved.delete(LOOP_CLAIM);
        }
      }
      if (claimed === 0 || this.inFlight.size >= this.options.concurrency) await this.idle();
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => {
      this.inFlight.delete(work);
      this.wake();
    });
  }

  private idle(): Promise<void> {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.wakeRequested = false;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      timer.unref();
      this.wakeUp = done;
    });
  }

  /**
   * One atomic UPDATE over a nested choice: the due jobs, oldest first, leaving out every
   * group already at its limit (so a busy group cannot hide the others behind it), locked
   * with SKIP LOCKED on PostgreSQL; then within that batch each group is cut to the
   * slots it has left. Two claims racing on PostgreSQL can each see a group's old count,
   * so there it may briefly run up to limit × processes.
   */
  private async claim(limit: number, executor: Executor = this.db.kysely): Promise<Job[]> {
    const now = new Date(this.clock.nowMs()).toISOString();
    const leaseUntil = new Date(this.clock.nowMs() + this.options.leaseMs).toISOString();
    const postgres = this.db.dialect === 'postgres';

    return executor
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        locked_by: this.workerId,
        locked_until: leaseUntil,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', (eb) => {
        const full = eb
          .selectFrom(runningByGroup(eb, now).as('g'))
          .select('g.group_key')
          .whereRef('g.running', '>=', 'g.group_limit');
        const candidates = eb
          .selectFrom('jobs as j')
          .select(['j.id', 'j.run_at', 'j.group_key', 'j.group_limit'])
          .where((w) =>
            w.and([
              w.or([
                w.and([w('j.status', '=', 'queued'), w('j.run_at', '<=', now)]),
                w.and([w('j.status', '=', 'running'), w('j.locked_until', '<', now)]),
              ]),
              w.or([w('j.group_limit', 'is', null), w('j.group_key', 'not in', full)]),
            ]),
          )
          .orderBy('j.run_at')
          .orderBy('j.id')
          .limit(limit);
        const locked = postgres ? candidates.forUpdate().skipLocked() : candidates;
        const ranked = eb
          .selectFrom(locked.as('c'))
          .leftJoin(runningByGroup(eb, now).as('g'), 'g.group_key', 'c.group_key')
          .select(['c.id', 'c.group_limit'])
          .select((s) => [
            s.fn.coalesce('g.running', sql<number>`0`).as('running'),
            s.fn
              .agg<number>('row_number')
              .over((o) => o.partitionBy('c.group_key').orderBy('c.run_at').orderBy('c.id'))
              .as('rank'),
          ]);
        return eb
          .selectFrom(ranked.as('k'))
          .select('k.id')
          .where((w) =>
            w.or([
              w('k.group_limit', 'is', null),
              w(
                sql<number>`${w.ref('k.rank')} + ${w.ref('k.running')}`,
                '<=',
                w.ref('k.group_limit'),
              ),
            ]),
          );
      })
      .returningAll()
      .execute();
  }

  private async execute(job: Job): Promise<void> {
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      const outcome = await handler(JSON.parse(job.payload), job);
      if (outcome && 'settled' in outcome) {
        for (const successor of outcome.successors ?? []) {
          if (this.running) this.track(this.execute(successor));
          else await this.release(successor);
        }
        return;
      }
      // A requested re-run is not a failure: the failure count starts again.
      if (outcome) await this.reschedule(job, outcome.retryAtMs, null, 0);
      else await this.finish(job);
    } catch (error) {
      await this.failed(job, error);
    } finally {
      this.reserved.delete(job.id);
    }
  }

  /** Hands a claimed job back unstarted (the worker is stopping), as if never claimed. */
  private async release(job: Job): Promise<void> {
    await this.db.kysely
      .updateTable('jobs')
      .set({ status: 'queued', locked_by: null, locked_until: null, attempts: job.attempts - 1 })
      .where('id', '=', job.id)
      .where('locked_by', '=', this.workerId)
      .execute();
  }

  private async finish(job: Job): Promise<void> {
    await this.db.kysely
      .deleteFrom('jobs')
      .where('id', '=', job.id)
      .where('locked_by', '=', this.workerId)
      .execute();
  }

  private async reschedule(
    job: Job,
    runAtMs: number,
    error: string | null,
    attempts = job.attempts,
  ): Promise<void> {
    await this.db.kysely
      .updateTable('jobs')
      .set({
        attempts,
        status: 'queued',
        run_at: new Date(runAtMs).toISOString(),
        locked_by: null,
        locked_until: null,
        last_error: error,
      })
      .where('id', '=', job.id)
      .where('locked_by', '=', this.workerId)
      .execute();
  }

  private async failed(job: Job, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    try {
      if (job.attempts >= maxAttempts) {
        this.log.error({ jobId: job.id, kind: job.kind, err: error }, 'job failed for good');
        await this.db.kysely
          .updateTable('jobs')
          .set({ status: 'failed', locked_by: null, locked_until: null, last_error: message })
          .where('id', '=', job.id)
          .execute();
        return;
      }
      const delayMs = Math.min(GENERIC_RETRY_MAX_MS, GENERIC_RETRY_BASE_MS * 2 ** job.attempts);
      this.log.warn(
        { jobId: job.id, kind: job.kind, attempt: job.attempts, err: error },
        'job retry',
      );
      await this.reschedule(job, this.clock.nowMs() + delayMs, message);
    } catch (storeError) {
      // The lease will expire and the job will be claimed again: nothing is lost.
      this.log.error({ jobId: job.id, err: storeError }, 'job state not saved');
    }
  }
}
