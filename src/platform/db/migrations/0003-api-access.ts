import type { Kysely } from 'kysely';

/* API access: when a key was last refused (so refusals are audited at most once a minute),
   the audit log, and stored responses for Idempotency-Key. Schema builder only, so the
   same file runs on SQLite and PostgreSQL (see 0001-core for why the handle is `any`). */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-core
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('last_refused_at', 'text').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('request_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_log_by_workspace')
    .on('audit_log')
    .columns(['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_log_by_action')
    .on('audit_log')
    .columns(['workspace_id', 'action', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_log_by_actor')
    .on('audit_log')
    .columns(['workspace_id', 'actor_id', 'id'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('credential_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('content_type', 'text')
    .addColumn('response_body', 'text')
    .addColumn('locked_until', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['credential_id', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_by_expiry')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-core
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('audit_log').execute();
  await db.schema.alterTable('api_keys').dropColumn('last_refused_at').execute();
}
