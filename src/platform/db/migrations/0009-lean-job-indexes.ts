import type { Kysely } from 'kysely';

/* Every claim and every finished job rewrites a job's index entries, and each index on
   `status` costs a delete and an insert per job (issue 3). jobs_claim and
   jobs_lease_expiry answer every query the queue makes, so these two only cost writes. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration must not depend on current table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('jobs_due').ifExists().execute();
  await db.schema.dropIndex('jobs_running_by_group').ifExists().execute();
}
