import type { Transaction } from 'kysely';
import type { Db } from '../platform/db/database.js';
import type { Database } from '../platform/db/schema.js';
import type { ActionEntry, RuleRunRow } from './rule-store.js';

/** The run's status from its actions: running until each is done, failed if any failed. */
export function runStatus(entries: ActionEntry[]): RuleRunRow['status'] {
  if (entries.some((entry) => entry.status === 'pending')) return 'running';
  return entries.some((entry) => entry.status === 'failed') ? 'failed' : 'succeeded';
}

/**
 * Changes one action's entry of a run. Actions of a run finish in parallel jobs, so the
 * read-modify-write holds the row: PostgreSQL locks it, SQLite has one writer anyway.
 */
export async function updateActionEntry(
  db: Db,
  trx: Transaction<Database>,
  runId: string,
  index: number,
  changes: Partial<ActionEntry>,
  nowIso: string,
): Promise<void> {
  let query = trx.selectFrom('rule_runs').select('actions').where('id', '=', runId);
  if (db.dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return;
  const entries = JSON.parse(row.actions) as ActionEntry[];
  const entry = entries[index];
  if (!entry) return;
  entries[index] = { ...entry, ...changes, updated_at: nowIso };
  await trx
    .updateTable('rule_runs')
    .set({ actions: JSON.stringify(entries), status: runStatus(entries), updated_at: nowIso })
    .where('id', '=', runId)
    .execute();
}
