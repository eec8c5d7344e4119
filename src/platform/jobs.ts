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

export type JobHandler = (payload: unknown, job: Job) => Promise<JobRetry | void>;

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

/** Jobs of the candidate's group whose lease still holds (an expired lease frees its slot). */
function runningInGroup(eb: ExpressionBuilder<Database & { j: JobTable }, 'j'>, nowIso: string) {
  return eb
    .selectFrom('jobs as r')
    .select((s) => s.fn.countAll<number>().as('n'))
    .whereRef('r.group_key', '=', 'j.group_key')
    .where('r.status', '=', 'running')
    .where('r.locked_until', '>=', nowIso);
}

/**
 * The durable job table worker. Claims are one atomic UPDATE: SQLite has a single
 * writer, PostgreSQL skips rows another server has locked, so no job runs twice at once.
 */
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly workerId = `wrk_${randomBytes(6).toString('hex')}`;
  private readonly inFlight = new Set<Promise<void>>();
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

  private async runLoop(): Promise<void> {
    while (this.running) {
      const capacity = this.options.concurrency - this.inFlight.size;
      let claimed = 0;
      if (capacity > 0) {
        try {
          const jobs = await this.claim(capacity);
          claimed = jobs.length;
          for (const job of jobs) this.track(this.execute(job));
        } catch (error) {
          this.log.error({ err: error }, 'job claim failed');
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
   * slots it has left.
   */
  private async claim(limit: number): Promise<Job[]> {
    const now = new Date(this.clock.nowMs()).toISOString();
    const leaseUntil = new Date(this.clock.nowMs() + this.options.leaseMs).toISOString();
    const postgres = this.db.dialect === 'postgres';

    return this.db.kysely
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        locked_by: this.workerId,
        locked_until: leaseUntil,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', (eb) => {
        const candidates = eb
          .selectFrom('jobs as j')
          .select(['j.id', 'j.run_at', 'j.group_key', 'j.group_limit'])
          .select((s) => runningInGroup(s, now).as('running'))
          .where((w) =>
            w.and([
              w.or([
                w.and([w('j.status', '=', 'queued'), w('j.run_at', '<=', now)]),
                w.and([w('j.status', '=', 'running'), w('j.locked_until', '<', now)]),
              ]),
              w.or([
                w('j.group_limit', 'is', null),
                w(runningInGroup(w, now), '<', w.ref('j.group_limit')),
              ]),
            ]),
          )
          .orderBy('j.run_at')
          .orderBy('j.id')
          .limit(limit);
        const locked = postgres ? candidates.forUpdate().skipLocked() : candidates;
        const ranked = eb
          .selectFrom(locked.as('c'))
          .select(['c.id', 'c.group_limit', 'c.running'])
          .select((s) =>
            s.fn
              .agg<number>('row_number')
              .over((o) => o.partitionBy('c.group_key').orderBy('c.run_at').orderBy('c.id'))
              .as('rank'),
          );
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
      // A requested re-run is not a failure: the failure count starts again.
      if (outcome) await this.reschedule(job, outcome.retryAtMs, null, 0);
      else await this.finish(job);
    } catch (error) {
      await this.failed(job, error);
    }
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
