import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const inCi = process.env.CI === 'true';

let postgresReachable: Promise<boolean> | undefined;

async function probePostgres(): Promise<boolean> {
  const client = new pg.Client({
    connectionString: POSTGRES_ADMIN_URL,
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    if (inCi)
      throw new Error(`PostgreSQL is required in CI but unreachable at ${POSTGRES_ADMIN_URL}`, {
        cause: error,
      });
    console.warn(
      `[showtrust tests] PostgreSQL unreachable at ${POSTGRES_ADMIN_URL}: PostgreSQL suites are skipped`,
    );
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The dialects this machine can test: SQLite always, PostgreSQL when reachable (required in CI). */
export async function testDialects(): Promise<TestDialect[]> {
  postgresReachable ??= probePostgres();
  return (await postgresReachable) ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestDatabase {
  dialect: TestDialect;
  /** Set for PostgreSQL; unset means SQLite inside dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file: a temp folder, and for PostgreSQL its own database. */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'showtrust-test-'));
  if (dialect === 'sqlite') {
    return {
      dialect,
      databaseUrl: undefined,
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }

  const name = `showtrust_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;

  return {
    dialect,
    databaseUrl: url.toString(),
    dataDir,
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
