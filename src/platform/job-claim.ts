import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db, Executor } from './db/database.js';
import { PreparedQuery } from './db/prepared.js';
import type { Job } from './jobs.js';

/**
 * A worker that holds a group may claim this many of its jobs per slot of the group's
 * limit: it runs `limit` at once and keeps the rest ready, so a busy endpoint's next
 * attempt starts the moment one ends, without a claim in between.
 */
export const GROUP_PREFETCH_PER_SLOT = 16;

/** Any 64-bit number no other feature uses: PostgreSQL claims take this lock in turn. */
const CLAIM_LOCK_KEY = 7_411_392_001;

export interface ClaimRequest {
  workerId: string;
  nowMs: number;
  leaseMs: number;
  /** Most jobs to claim in all. */
  limit: number;
  /** Most of those that may be held ahead, beyond their group's free slots. */
  prefetchLimit: number;
  /**
   * Per group, the jobs this worker holds that still take a slot: ready or running. A job
   * whose response is in and that is only being recorded no longer counts, though its row
   * stays claimed until the record commits.
   */
  heldInGroups: ReadonlyMap<string, number>;
  /**
   * Ids of the jobs this worker holds, ready or started. Their leases may run out while they
   * wait (a slow endpoint's queue), but they are this worker's to run or renew, never to
   * claim again: a second claim would run them twice.
   */
  holding: ReadonlySet<string>;
}

interface Candidate {
  id: string;
  run_at: string;
  group_key: string | null;
}

interface DueGroup {
  group_key: string;
  group_limit: number;
  due_at: string;
}

/**
 * Groups with queued work due now, oldest first: a loose index scan that steps from one
 * group key to the next through `jobs_claim`, so its cost follows the number of groups,
 * not the number of queued jobs behind them.
 */
async function dueGroups(executor: Executor, nowIso: string, limit: number): Promise<DueGroup[]> {
  const { rows } = await sql<DueGroup>`
    with recursive g(k) as (
      select (select group_key from jobs where status = 'queued' and group_key is not null
              order by group_key limit 1)
      union all
      select (select group_key from jobs where status = 'queued' and group_key > g.k
              order by group_key limit 1)
      from g where g.k is not null
    )
    select * from (
      select g.k as group_key,
        (select group_limit from jobs where status = 'queued' and group_key = g.k
         order by run_at limit 1) as group_limit,
        (select run_at from jobs where status = 'queued' and group_key = g.k
         order by run_at limit 1) as due_at
      from g where g.k is not null
    ) d
    where d.due_at <= ${nowIso}
    order by d.due_at
    limit ${limit}`.execute(executor);
  return rows;
}

const liveLeases = new PreparedQuery<
  { nowIso: string },
  { group_key: string | null; locked_by: string | null; held: number | string }
>((db, slot) =>
  db
    .selectFrom('jobs')
    .select((eb) => ['group_key', 'locked_by', eb.fn.countAll<number | string>().as('held')])
    .where('status', '=', 'running')
    .where('locked_until', '>=', slot('nowIso'))
    .groupBy(['group_key', 'locked_by']),
);

/**
 * Live leases per group and worker: a group one worker holds is not claimed by another.
 * Read for every group at once off `jobs_lease_expiry`; only jobs being run have a lease.
 */
async function liveHolders(executor: Executor, nowIso: string) {
  const holders = new Map<string, Map<string, number>>();
  const { rows } = await liveLeases.execute(executor, { nowIso });
  for (const row of rows) {
    if (row.group_key === null) continue;
    const byWorker = holders.get(row.group_key) ?? new Map<string, number>();
    byWorker.set(row.locked_by ?? '', Number(row.held));
    holders.set(row.group_key, byWorker);
  }
  return holders;
}

type DueValues = { groupKey: string; nowIso: string; limit: number };

const dueInGroup = new PreparedQuery<DueValues, Candidate>((db, slot) =>
  db
    .selectFrom('jobs')
    .select(['id', 'run_at', 'group_key'])
    .where('status', '=', 'queued')
    .where('group_key', '=', slot('groupKey'))
    .where('run_at', '<=', slot('nowIso'))
    .orderBy('run_at')
    .orderBy('id')
    .limit(slot('limit')),
);

const dueUngrouped = new PreparedQuery<Omit<DueValues, 'groupKey'>, Candidate>((db, slot) =>
  db
    .selectFrom('jobs')
    .select(['id', 'run_at', 'group_key'])
    .where('status', '=', 'queued')
    .where('group_key', 'is', null)
    .where('run_at', '<=', slot('nowIso'))
    .orderBy('run_at')
    .orderBy('id')
    .limit(slot('limit')),
);

/** Queued jobs due now of one group (or of none), oldest first, straight off `jobs_claim`. */
async function dueJobs(
  executor: Executor,
  groupKey: string | null,
  nowIso: string,
  limit: number,
): Promise<Candidate[]> {
  const { rows } =
    groupKey === null
      ? await dueUngrouped.execute(executor, { nowIso, limit })
      : await dueInGroup.execute(executor, { groupKey, nowIso, limit });
  return rows;
}

const expiredLeases = new PreparedQuery<
  { nowIso: string; limit: number },
  { id: string; locked_until: string | null; group_key: string | null }
>((db, slot) =>
  db
    .selectFrom('jobs')
    .select(['id', 'locked_until', 'group_key'])
    .where('status', '=', 'running')
    .where('locked_until', '<', slot('nowIso'))
    .orderBy('locked_until')
    .limit(slot('limit')),
);

/**
 * Chooses what to claim. Jobs without a group are taken oldest first. A group goes to one
 * worker at a time: while any worker holds a live lease on one of its jobs, no other
 * worker claims there, so its limit holds across every process; the holder takes up to
 * limit × GROUP_PREFETCH_PER_SLOT. Jobs whose lease ran out (their worker died) are taken
 * back by whoever comes first, within the same rules.
 */
async function chooseJobs(executor: Executor, request: ClaimRequest): Promise<string[]> {
  const nowIso = new Date(request.nowMs).toISOString();
  const { limit, workerId } = request;

  const { holding } = request;
  const { rows: lapsed } = await expiredLeases.execute(executor, {
    nowIso,
    limit: limit + holding.size,
  });
  const expired: Candidate[] = lapsed
    .filter((job) => !holding.has(job.id))
    .map(({ id, locked_until, group_key }) => ({ id, run_at: locked_until ?? nowIso, group_key }));
  const ungrouped = await dueJobs(executor, null, nowIso, limit);

  const groups = await dueGroups(executor, nowIso, limit);
  const anyGrouped = groups.length > 0 || expired.some((job) => job.group_key !== null);
  const holders = anyGrouped ? await liveHolders(executor, nowIso) : new Map<string, never>();
  const othersHold = (key: string) =>
    [...(holders.get(key)?.entries() ?? [])].some(([worker, n]) => worker !== workerId && n > 0);

  // Jobs that can start at once come first; a group's jobs held ahead get what is left.
  const startable: Candidate[] = [
    ...ungrouped,
    ...expired.filter((job) => job.group_key === null || !othersHold(job.group_key)),
  ];
  const ahead: Candidate[] = [];
  for (const group of groups) {
    if (othersHold(group.group_key)) continue;
    const mine = request.heldInGroups.get(group.group_key) ?? 0;
    const free = Math.max(0, group.group_limit - mine);
    const room = group.group_limit * GROUP_PREFETCH_PER_SLOT - mine;
    if (room <= 0) continue;
    const due = await dueJobs(executor, group.group_key, nowIso, room);
    startable.push(...due.slice(0, free));
    ahead.push(...due.slice(free));
  }

  const first = oldestFirst(startable).slice(0, limit);
  const extra = oldestFirst(ahead).slice(0, Math.min(request.prefetchLimit, limit - first.length));
  return [...new Set([...first, ...extra].map((job) => job.id))];
}

function oldestFirst(jobs: Candidate[]): Candidate[] {
  const key = (job: Candidate) => `${job.run_at}\u0000${job.id}`;
  return jobs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

type LockValues = {
  /** The chosen ids: a JSON array on SQLite, an array on PostgreSQL. */
  ids: string | string[];
  workerId: string;
  nowIso: string;
  lockedUntil: string;
};

/** `id` is one of the chosen, given as one value so the statement's shape never changes. */
const chosenIds: Record<Db['dialect'], (ids: never) => RawBuilder<SqlBool>> = {
  sqlite: (ids) => sql<SqlBool>`id in (select value from json_each(${ids}))`,
  postgres: (ids) => sql<SqlBool>`id = any(${ids}::text[])`,
};

function lockStatement(dialect: Db['dialect']) {
  return new PreparedQuery<LockValues, Job>((db, slot) => {
    const heldByOthers = db
      .selectFrom('jobs as o')
      .select('o.group_key')
      .where('o.status', '=', 'running')
      .where('o.locked_until', '>=', slot('nowIso'))
      .where('o.locked_by', '<>', slot('workerId'))
      .where('o.group_key', 'is not', null);
    return db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        locked_by: slot('workerId'),
        locked_until: slot('lockedUntil'),
        attempts: eb('attempts', '+', 1),
      }))
      .where(chosenIds[dialect](slot('ids')))
      .where((eb) =>
        eb.or([
          eb('status', '=', 'queued'),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<', slot('nowIso'))]),
        ]),
      )
      .where((eb) => eb.or([eb('group_key', 'is', null), eb('group_key', 'not in', heldByOthers)]))
      .returningAll();
  });
}

const lockStatements = { sqlite: lockStatement('sqlite'), postgres: lockStatement('postgres') };

/**
 * Marks the chosen jobs as this worker's, each only if it is still free to take and its
 * group is held by no other worker. The groups other workers hold are read once for the
 * whole statement (an uncorrelated subquery), not once per chosen job.
 */
async function lockJobs(
  executor: Executor,
  dialect: Db['dialect'],
  ids: string[],
  request: ClaimRequest,
): Promise<Job[]> {
  if (ids.length === 0) return [];
  const { rows } = await lockStatements[dialect].execute(executor, {
    ids: dialect === 'sqlite' ? JSON.stringify(ids) : ids,
    workerId: request.workerId,
    nowIso: new Date(request.nowMs).toISOString(),
    lockedUntil: new Date(request.nowMs + request.leaseMs).toISOString(),
  });
  return rows;
}

/**
 * One claim: choose, then lock with an UPDATE that checks again that each job is free and
 * its group held by no other worker. On SQLite that one statement is atomic (one writer),
 * so a claim racing another cannot take a group the other just took; PostgreSQL's UPDATE
 * does not see another's uncommitted claim, so there claims take an advisory lock in turn.
 */
export async function claimJobs(db: Db, request: ClaimRequest): Promise<Job[]> {
  // A lost claim is harmless (the jobs are simply free again), so it does not wait for a sync.
  if (db.dialect === 'sqlite') {
    const ids = await chooseJobs(db.kysely, request);
    if (ids.length === 0) return [];
    return db.relaxedStatements((conn) => lockJobs(conn, db.dialect, ids, request));
  }
  return db.relaxedTransaction(async (trx) => {
    await sql`select pg_advisory_xact_lock(${CLAIM_LOCK_KEY})`.execute(trx);
    return lockJobs(trx, db.dialect, await chooseJobs(trx, request), request);
  });
}

/** Extends a held job's lease; false when it is no longer this worker's to run. */
export async function renewLease(
  executor: Executor,
  job: Job,
  lockedUntilMs: number,
): Promise<boolean> {
  const result = await executor
    .updateTable('jobs')
    .set({ locked_until: new Date(lockedUntilMs).toISOString() })
    .where('id', '=', job.id)
    .where('locked_by', '=', job.locked_by)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
