import type { Kysely } from 'kysely';

/* Job claims that cost the same with ten queued jobs or a million (issue 3): claims walk
   these indexes by group and by due time instead of sorting every due row. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration must not depend on current table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('jobs_claim')
    .on('jobs')
    .columns(['status', 'group_key', 'run_at', 'id'])
    .execute();
  await db.schema
    .createIndex('jobs_lease_expiry')
    .on('jobs')
    .columns(['status', 'locked_until'])
    .execute();
}
