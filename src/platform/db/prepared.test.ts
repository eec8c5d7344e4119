import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  testDialects,
  type TestDatabase,
} from '../../../test/support/databases.js';
import { migrateToLatest, openDatabase, type Db } from './database.js';
import { PreparedQuery } from './prepared.js';

const dialects = await testDialects();

const insertJob = new PreparedQuery<{ id: string; runAt: string; lastError: string | null }>(
  (db, slot) =>
    db.insertInto('jobs').values({
      id: slot('id'),
      kind: 'prepared.test',
      payload: '{}',
      status: 'queued',
      run_at: slot('runAt'),
      attempts: 0,
      created_at: slot('runAt'),
      last_error: slot('lastError'),
    }),
);

const bumpJob = new PreparedQuery<{ id: string; status: string }>((db, slot) =>
  db
    .updateTable('jobs')
    .set((eb) => ({ attempts: eb('attempts', '+', 2) }))
    .where('id', '=', slot('id'))
    .where('status', '=', slot('status')),
);

const findJob = new PreparedQuery<
  { id: string },
  { id: string; status: string; attempts: number; last_error: string | null }
>((db, slot) =>
  db
    .selectFrom('jobs')
    .select(['id', 'status', 'attempts', 'last_error'])
    .where('id', '=', slot('id')),
);

describe.each(dialects)('prepared queries (%s)', (dialect) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('runs with the values of each call, and keeps the constants it was built with', async () => {
    const at = new Date(0).toISOString();
    await insertJob.execute(db.kysely, { id: 'job_a', runAt: at, lastError: null });
    await insertJob.execute(db.kysely, { id: 'job_b', runAt: at, lastError: 'kept' });

    const a = await findJob.execute(db.kysely, { id: 'job_a' });
    const b = await findJob.execute(db.kysely, { id: 'job_b' });
    expect(a.rows).toEqual([{ id: 'job_a', status: 'queued', attempts: 0, last_error: null }]);
    expect(b.rows).toEqual([{ id: 'job_b', status: 'queued', attempts: 0, last_error: 'kept' }]);

    // The increment (2) is a constant of the statement; only id and status come per call.
    const bumped = await bumpJob.execute(db.kysely, { id: 'job_a', status: 'queued' });
    const missed = await bumpJob.execute(db.kysely, { id: 'job_b', status: 'running' });
    expect(bumped.numAffectedRows).toBe(1n);
    expect(missed.numAffectedRows).toBe(0n);
    expect((await findJob.execute(db.kysely, { id: 'job_a' })).rows[0]!.attempts).toBe(2);
    expect((await findJob.execute(db.kysely, { id: 'job_b' })).rows[0]!.attempts).toBe(0);
  });

  it('runs inside a transaction, and rolls back with it', async () => {
    const at = new Date(0).toISOString();
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await insertJob.execute(trx, { id: 'job_rolled_back', runAt: at, lastError: null });
        expect((await findJob.execute(trx, { id: 'job_rolled_back' })).rows).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await findJob.execute(db.kysely, { id: 'job_rolled_back' })).rows).toEqual([]);
  });

  it('passes a value that looks like SQL as a value', async () => {
    const id = "job_x'); drop table jobs; --";
    await insertJob.execute(db.kysely, { id, runAt: new Date(0).toISOString(), lastError: null });
    expect((await findJob.execute(db.kysely, { id })).rows[0]!.id).toBe(id);
  });
});

describe('prepared queries on two databases of different dialects in one process', () => {
  it.skipIf(dialects.length < 2)(
    'compiles once per database, each in its own dialect',
    async () => {
      const opened = await Promise.all(
        dialects.map(async (dialect) => {
          const database = await createTestDatabase(dialect);
          const db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
          await migrateToLatest(db);
          return { database, db };
        }),
      );
      try {
        const at = new Date(0).toISOString();
        for (const { db } of opened) {
          await insertJob.execute(db.kysely, {
            id: `job_${db.dialect}`,
            runAt: at,
            lastError: null,
          });
        }
        for (const { db } of opened) {
          const found = await findJob.execute(db.kysely, { id: `job_${db.dialect}` });
          expect(found.rows.map((row) => row.id)).toEqual([`job_${db.dialect}`]);
        }
      } finally {
        for (const { database, db } of opened) {
          await db.close();
          await database.drop();
        }
      }
    },
  );
});
