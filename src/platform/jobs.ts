import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db, Executor } from './db/database.js';
import { PreparedQuery } from './db/prepared.js';
import type { JobTable } from './db/schema.js';
import { newId } from './ids.js';
import { claimJobs, renewLease } from './job-claim.js';
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
}

/**
 * Handed to a handler: `release()` says its outside work is done (a webhook's response has
 * arrived) and only recording remains, so its slot, and its group's, go to the next job
 * while the result is written. Called at most once; the slot frees itself at the end anyway.
 */
export interface JobSlot {
  release(): void;
}

export type JobHandler = (
  payload: unknown,
  job: Job,
  slot: JobSlot,
) => Promise<JobRetry | JobSettled | void>;

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
 * every worker and process: one worker holds a group at a time (see job-claim.ts), and a
 * group at its limit never keeps other groups' jobs waiting.
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

const deleteHeldJob = new PreparedQuery<{ id: string; lockedBy: string | null }>((db, slot) =>
  db.deleteFrom('jobs').where('id', '=', slot('id')).where('locked_by', '=', slot('lockedBy')),
);

/** Deletes a claimed job in the caller's transaction; a job another worker took over stays. */
export async function finishJobIn(executor: Executor, job: Job): Promise<JobSettled> {
  await deleteHeldJob.execute(executor, { id: job.id, lockedBy: job.locked_by });
  return { settled: true };
}

/**
 * Queues a claimed job again for runAtMs in the caller's transaction. By default that is
 * not a failure (the failure count starts again); the queue passes a failure's count and
 * error when it retries one.
 */
export async function rescheduleJobIn(
  executor: Executor,
  job: Job,
  runAtMs: number,
  failure: { attempts: number; error: string } | undefined = undefined,
): Promise<JobSettled> {
  await executor
    .updateTable('jobs')
    .set({
      status: 'queued',
      run_at: new Date(runAtMs).toISOString(),
      attempts: failure?.attempts ?? 0,
      locked_by: null,
      locked_until: null,
      last_error: failure?.error ?? null,
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', job.locked_by)
    .execute();
  return { settled: true };
}

/** Claimed jobs a worker holds (running or ready) per slot of its concurrency. */
const HELD_PER_SLOT = 16;

/**
 * The durable job table worker. A claim takes a batch of due jobs for this worker (see
 * job-claim.ts); the worker runs up to `concurrency` at once, at most a group's limit of
 * one group, and keeps the rest ready in claim order. It claims again when new work is
 * announced (wake), when the poll interval passes, or when what it holds runs low.
 */
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly workerId = `wrk_${randomBytes(6).toString('hex')}`;
  /** Every started job until it has settled, recording included: what stop() drains. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Ids of the started jobs in inFlight. */
  private readonly startedIds = new Set<string>();
  /** Started jobs that have not released their slot: what the concurrency counts. */
  private active = 0;
  /** Claimed and not started, oldest first. */
  private ready: Job[] = [];
  private readonly runningInGroup = new Map<string, number>();
  private running = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private claimWanted = false;

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
    this.stopping = false;
    this.loop = this.runLoop();
  }

  /** Tells the loop new work may be due now, instead of waiting for the next poll. */
  wake(): void {
    this.claimWanted = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake();
    await this.loop;
    const deadline = new Promise<void>((resolve) => {
      setTimeout(resolve, this.options.drainTimeoutMs ?? 10_000).unref();
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    await this.releaseReady();
  }

  /** Claims and runs every due job once; tests call this to step the queue. */
  async runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.claim();
      total += claimed;
      this.startReady();
      if (claimed === 0 && this.inFlight.size === 0) return total;
      while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    }
  }

  private held(): number {
    return this.ready.length + this.inFlight.size;
  }

  /**
   * Claims up to what this worker may hold. Jobs held ahead for busy groups may fill only
   * half of it, so a backlog of one endpoint never keeps another's next job unclaimed.
   */
  private async claim(): Promise<number> {
    const budget = this.options.concurrency * HELD_PER_SLOT;
    const limit = budget - this.held();
    if (limit <= 0) return 0;
    const jobs = await claimJobs(this.db, {
      workerId: this.workerId,
      nowMs: this.clock.nowMs(),
      leaseMs: this.options.leaseMs,
      limit,
      prefetchLimit: Math.max(0, budget / 2 - this.held()),
      heldInGroups: this.heldInGroups(),
      holding: new Set([...this.startedIds, ...this.ready.map((job) => job.id)]),
    });
    this.ready.push(...jobs);
    return jobs.length;
  }

  /** Per group, the jobs here that take or wait for one of its slots. */
  private heldInGroups(): Map<string, number> {
    const held = new Map(this.runningInGroup);
    for (const { group_key: key } of this.ready) {
      if (key !== null) held.set(key, (held.get(key) ?? 0) + 1);
    }
    return held;
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      this.claimWanted = false;
      try {
        await this.claim();
      } catch (error) {
        this.log.error({ err: error }, 'job claim failed');
      }
      this.startReady();
      if (!this.claimWanted) await this.idle();
    }
  }

  /** Starts ready jobs in order while slots are free, skipping groups at their limit. */
  private startReady(): void {
    if (this.ready.length === 0 || this.stopping) return;
    const waiting: Job[] = [];
    for (const job of this.ready) {
      if (this.active >= this.options.concurrency || !this.groupHasRoom(job)) {
        waiting.push(job);
        continue;
      }
      this.track(job);
    }
    this.ready = waiting;
  }

  private groupHasRoom(job: Job): boolean {
    if (job.group_key === null) return true;
    const limit = job.group_limit ?? Number.POSITIVE_INFINITY;
    return (this.runningInGroup.get(job.group_key) ?? 0) < limit;
  }

  private track(job: Job): void {
    const key = job.group_key;
    this.active += 1;
    if (key !== null) this.runningInGroup.set(key, (this.runningInGroup.get(key) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.active -= 1;
      if (key !== null) this.runningInGroup.set(key, this.runningInGroup.get(key)! - 1);
      this.startReady();
      if (this.runsLow(key, job.group_limit)) this.wake();
    };
    const work = this.execute(job, { release });
    this.inFlight.add(work);
    this.startedIds.add(job.id);
    void work.finally(() => {
      this.inFlight.delete(work);
      this.startedIds.delete(job.id);
      release();
    });
  }

  /** Whether what this worker holds is about to run dry, for all jobs or for one group. */
  private runsLow(groupKey: string | null, groupLimit: number | null): boolean {
    // A group is low when what it has ready would not fill its slots once more; claiming
    // only then lets one claim bring a group's next several rounds.
    const slots = groupKey === null ? this.options.concurrency : (groupLimit ?? 1);
    let ready = 0;
    for (const job of this.ready) {
      if (job.group_key === groupKey && ++ready > slots) return false;
    }
    return true;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      timer.unref();
      this.wakeUp = done;
    });
  }

  /** A job that waited in `ready` long enough to spend half its lease gets a fresh one. */
  private async stillMine(job: Job): Promise<boolean> {
    const nowMs = this.clock.nowMs();
    const leftMs = Date.parse(job.locked_until ?? '') - nowMs;
    if (leftMs >= this.options.leaseMs / 2) return true;
    const lockedUntilMs = nowMs + this.options.leaseMs;
    if (!(await renewLease(this.db.kysely, job, lockedUntilMs))) return false;
    job.locked_until = new Date(lockedUntilMs).toISOString();
    return true;
  }

  private async execute(job: Job, slot: JobSlot): Promise<void> {
    const handler = this.handlers.get(job.kind);
    try {
      if (!(await this.stillMine(job))) return;
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      const outcome = await handler(JSON.parse(job.payload), job, slot);
      if (outcome && 'settled' in outcome) return;
      // A requested re-run is not a failure: the failure count starts again.
      if (outcome) await rescheduleJobIn(this.db.kysely, job, outcome.retryAtMs);
      else await finishJobIn(this.db.kysely, job);
    } catch (error) {
      await this.failed(job, error);
    }
  }

  /** Hands claimed jobs that never started back (the worker is stopping), as if never claimed. */
  private async releaseReady(): Promise<void> {
    for (const job of this.ready.splice(0)) {
      await this.db.kysely
        .updateTable('jobs')
        .set({ status: 'queued', locked_by: null, locked_until: null, attempts: job.attempts - 1 })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.workerId)
        .execute();
    }
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
      const failure = { attempts: job.attempts, error: message };
      await rescheduleJobIn(this.db.kysely, job, this.clock.nowMs() + delayMs, failure);
    } catch (storeError) {
      // The lease will expire and the job will be claimed again: nothing is lost.
      this.log.error({ jobId: job.id, err: storeError }, 'job state not saved');
    }
  }
}
