import type { Executor } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';

const bumpedBy = new WeakMap<Executor, Set<string>>();
const NONE: ReadonlySet<string> = new Set();

/**
 * Public feeds cache by the workspace's content version; every change they could show
 * bumps it in the same transaction. The bump is also noted against the transaction, so
 * the process that commits it can tell its own caches at once (see contentChangesOf).
 */
export async function bumpContentVersion(executor: Executor, workspaceId: string): Promise<void> {
  await executor
    .updateTable('workspaces')
    .set((eb) => ({ content_version: eb('content_version', '+', 1) }))
    .where('id', '=', workspaceId)
    .execute();
  // Outside a transaction nobody is told: caches see it at their next re-read of the
  // version (PublicFeeds, at most FEED_RECHECK_MS later).
  if (!executor.isTransaction) return;
  let bumped = bumpedBy.get(executor);
  if (!bumped) bumpedBy.set(executor, (bumped = new Set()));
  bumped.add(workspaceId);
}

/**
 * The workspaces whose content version this transaction bumped: read it once the
 * transaction has committed (Services.onCommit), never before.
 */
export function contentChangesOf(trx: Executor): ReadonlySet<string> {
  return bumpedBy.get(trx) ?? NONE;
}

export async function insertWorkspace(
  executor: Executor,
  name: string,
  createdAt: string,
): Promise<string> {
  const id = newId('workspace');
  await executor
    .insertInto('workspaces')
    .values({ id, name, content_version: 0, created_at: createdAt })
    .execute();
  return id;
}

export async function firstWorkspaceId(executor: Executor): Promise<string | undefined> {
  const row = await executor
    .selectFrom('workspaces')
    .select('id')
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}
