import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type SqliteDatabase,
  type Migration,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';
export type Executor = Kysely<Database> | Transaction<Database>;

/** The one handle features get to the database: the query builder and which dialect runs it. */
export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: DialectName;
  /**
   * A transaction whose commit survives a crash of our process but may be lost if the
   * machine loses power before the database syncs again (SQLite `synchronous=NORMAL` in
   * WAL mode, PostgreSQL `synchronous_commit=off`). Only for bookkeeping that is safe to
   * lose and redo, such as job claims and webhook attempt records: a lost record means an
   * attempt is sent again, never that a testimonial or an event is lost. Every ordinary
   * commit after it syncs it too.
   */
  relaxedTransaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * The same for statements that each commit on their own, on one held connection. On
   * SQLite this is what a single write needs: no BEGIN … COMMIT window in which a second
   * connection of the same process would wait for a lock only this thread can release.
   */
  relaxedStatements<T>(fn: (executor: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

type TransactionWork<T> = (trx: Transaction<Database>) => Promise<T>;

/**
 * Runs fn on one held connection with its commits relaxed, and sets them back after:
 * the setting belongs to the connection, and the pool hands it to others next.
 */
function relaxedOn(
  kysely: Kysely<Database>,
  relax: RawBuilder<unknown>,
  restore: RawBuilder<unknown>,
) {
  return <T>(fn: (conn: Kysely<Database>) => Promise<T>) =>
    kysely.connection().execute(async (conn) => {
      await relax.execute(conn);
      try {
        return await fn(conn);
      } finally {
        await restore.execute(conn);
      }
    });
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
  /** Told about a pooled connection that broke while idle (server restart, admin kill). */
  onConnectionError?: (error: Error) => void;
}

/** Distinct SQL texts whose prepared statements are kept; the oldest prepared is dropped first. */
const SQLITE_STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew, and preparing costs more than running a primary-key
 * lookup; hot paths (the public widget feed) reuse statements by SQL text instead. Safe
 * because Kysely holds the one connection for a whole query or stream.
 */
function reusingStatements(file: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => file.close(),
    prepare(source) {
      let statement = statements.get(source);
      if (!statement) {
        statement = file.prepare(source);
        if (statements.size >= SQLITE_STATEMENT_CACHE_SIZE) {
          statements.delete(statements.keys().next().value!);
        }
        statements.set(source, statement);
      }
      return statement;
    },
  };
}

function openSqlite(dataDir: string): Kysely<Database> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = new SQLite(path.join(dataDir, 'showtrust.db'));
  // WAL lets readers run beside the writer; FULL syncs each commit, so an accepted
  // testimonial survives a crash; the busy timeout lets a CLI import share the file.
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = FULL');
  file.pragma('busy_timeout = 5000');
  file.pragma('foreign_keys = ON');
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: reusingStatements(file) }),
  });
}

function openPostgres(
  databaseUrl: string,
  max: number,
  onConnectionError: (error: Error) => void,
): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  // Without a listener an idle connection's error would crash the process; the pool
  // already drops that connection and opens a new one on the next query.
  pool.on('error', onConnectionError);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export function openDatabase(options: OpenDatabaseOptions): Db {
  const dialect: DialectName = options.databaseUrl ? 'postgres' : 'sqlite';
  const kysely =
    dialect === 'postgres'
      ? openPostgres(
          options.databaseUrl!,
          options.maxConnections ?? 10,
          options.onConnectionError ?? (() => {}),
        )
      : openSqlite(options.dataDir);
  const relaxedStatements =
    dialect === 'postgres'
      ? relaxedOn(kysely, sql`set synchronous_commit = off`, sql`reset synchronous_commit`)
      : relaxedOn(kysely, sql`pragma synchronous = normal`, sql`pragma synchronous = full`);
  const relaxedTransaction = <T>(fn: TransactionWork<T>) =>
    relaxedStatements((conn) => conn.transaction().execute(fn));
  return { kysely, dialect, relaxedTransaction, relaxedStatements, close: () => kysely.destroy() };
}

const MIGRATION_FILE = /^(\d{4}-[a-z0-9-]+)\.(js|ts)$/;

/** Imports every migration module beside this file (compiled .js, or .ts under tsx/vitest). */
async function loadMigrations(): Promise<Record<string, Migration>> {
  const folder = new URL('./migrations/', import.meta.url);
  const files = (await fs.promises.readdir(folder)).filter((f) => MIGRATION_FILE.test(f)).sort();
  const migrations: Record<string, Migration> = {};
  for (const file of files) {
    const name = MIGRATION_FILE.exec(file)![1]!;
    migrations[name] = (await import(new URL(file, folder).href)) as Migration;
  }
  return migrations;
}

/**
 * Every file in ./migrations is a migration, applied in name order (`0001-core`,
 * `0002-…`): a feature adds its own file and nothing else needs to change.
 */
export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: loadMigrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}

/** Case-insensitive substring match that behaves the same on both dialects. */
export function containsText(column: string, needle: string) {
  const escaped = needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  const pattern = `%${escaped}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}
