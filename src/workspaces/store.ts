import type { Executor } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';

/**
 * Public feeds cache by the workspace's content version; every change they could show
 * bumps it in the same transaction, so no server serves a stale feed after a commit.
 */
export async function bumpContentVersion(executor: Executor, workspaceId: string): Promise<void> {
  await executor
    .updateTable('workspaces')
    .set((eb) => ({ content_version: eb('content_version', '+', 1) }))
    .where('id', '=', workspaceId)
    .execute();
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
