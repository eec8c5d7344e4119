import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  testDialects,
  type TestDatabase,
} from '../../../test/support/databases.js';
import { migrateToLatest, openDatabase, type Db } from './database.js';

const dialects = await testDialects();

/** What the connection will do at its next commit: sync to disk, or not. */
async function syncSetting(
  db: Db,
  executor: Parameters<Parameters<Db['relaxedTransaction']>[0]>[0] | Db['kysely'],
) {
  if (db.dialect === 'postgres') {
    const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(
      executor,
    );
    return rows[0]!.synchronous_commit;
  }
  const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(executor);
  return ['off', 'normal', 'full', 'extra'][rows[0]!.synchronous];
}

describe.each(dialects)('relaxed transactions (%s)', (dialect) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = openDatabase({
      databaseUrl: database.databaseUrl,
      dataDir: database.dataDir,
      maxConnections: 1,
    });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('commits without waiting for a sync, and every other commit syncs as before', async () => {
    const full = dialect === 'postgres' ? 'on' : 'full';
    const relaxed = dialect === 'postgres' ? 'off' : 'normal';
    expect(await syncSetting(db, db.kysely)).toBe(full);

    const inside = await db.relaxedTransaction(async (trx) => {
      await trx
        .insertInto('jobs')
        .values({
          id: 'job_relaxed',
          kind: 'k',
          payload: '{}',
          status: 'queued',
          run_at: new Date(0).toISOString(),
          attempts: 0,
          created_at: new Date(0).toISOString(),
        })
        .execute();
      return syncSetting(db, trx);
    });

    expect(inside).toBe(relaxed);
    expect(await syncSetting(db, db.kysely)).toBe(full);
    const row = await db.kysely
      .selectFrom('jobs')
      .select('id')
      .where('id', '=', 'job_relaxed')
      .execute();
    expect(row).toEqual([{ id: 'job_relaxed' }]);
  });

  it('runs single statements on one connection without waiting for a sync', async () => {
    const full = dialect === 'postgres' ? 'on' : 'full';
    const relaxed = dialect === 'postgres' ? 'off' : 'normal';
    const inside = await db.relaxedStatements(async (conn) => {
      await conn.deleteFrom('jobs').where('id', '=', 'job_relaxed').execute();
      return syncSetting(db, conn);
    });
    expect(inside).toBe(relaxed);
    expect(await syncSetting(db, db.kysely)).toBe(full);
    expect(await db.kysely.selectFrom('jobs').select('id').execute()).toEqual([]);
  });

  it('is back to full syncing after a relaxed transaction that failed', async () => {
    const full = dialect === 'postgres' ? 'on' : 'full';
    await expect(
      db.relaxedTransaction(async () => {
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await syncSetting(db, db.kysely)).toBe(full);
  });
});
