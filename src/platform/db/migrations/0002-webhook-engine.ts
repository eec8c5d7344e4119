import type { Kysely } from 'kysely';

/* The webhook delivery engine: job groups (a per-endpoint concurrency cap the claim
   honours), endpoint kinds (REST hooks), rate limits, secret rotation and the failure
   window behind automatic disabling. SQLite adds one column per ALTER TABLE, so each
   column is its own statement. See 0001-core for why migrations take Kysely<any>. */

const ENDPOINT_COLUMNS: [string, 'text' | 'integer', string | number | undefined][] = [
  ['kind', 'text', 'endpoint'],
  ['rate_limit_per_second', 'integer', undefined],
  ['rate_window_start', 'text', undefined],
  ['rate_window_count', 'integer', 0],
  ['previous_secret_encrypted', 'text', undefined],
  ['previous_secret_expires_at', 'text', undefined],
  ['failing_since', 'text', undefined],
  ['disabled_reason', 'text', undefined],
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the note above
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('group_key', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('group_limit', 'integer').execute();
  await db.schema
    .createIndex('jobs_running_by_group')
    .on('jobs')
    .columns(['group_key', 'status', 'locked_until'])
    .execute();

  for (const [name, type, fallback] of ENDPOINT_COLUMNS) {
    await db.schema
      .alterTable('webhook_endpoints')
      .addColumn(name, type, (c) => (fallback === undefined ? c : c.notNull().defaultTo(fallback)))
      .execute();
  }

  await db.schema
    .createIndex('webhook_deliveries_by_endpoint_status')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_by_status')
    .on('webhook_deliveries')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_by_event')
    .on('webhook_deliveries')
    .columns(['event_id', 'id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the note above
export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    'webhook_deliveries_by_event',
    'webhook_deliveries_by_status',
    'webhook_deliveries_by_endpoint_status',
    'jobs_running_by_group',
  ]) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  for (const [name] of ENDPOINT_COLUMNS) {
    await db.schema.alterTable('webhook_endpoints').dropColumn(name).execute();
  }
  await db.schema.alterTable('jobs').dropColumn('group_limit').execute();
  await db.schema.alterTable('jobs').dropColumn('group_key').execute();
}
