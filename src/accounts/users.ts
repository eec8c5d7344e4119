import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { UserTable } from '../platform/db/schema.js';
import { newId } from '../platform/ids.js';
import type { Role } from './roles.js';

export type UserRow = Selectable<UserTable>;

export const MAX_EMAIL_CHARS = 254;
const EMAIL_SHAPE = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

/** Emails are one account however they are capitalised; surrounding spaces are typing slips. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isEmail(value: string): boolean {
  return value.length <= MAX_EMAIL_CHARS && EMAIL_SHAPE.test(value);
}

/** True for a unique or primary-key violation from either dialect's driver. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}

export async function findUserByEmail(
  executor: Executor,
  email: string,
): Promise<UserRow | undefined> {
  return executor
    .selectFrom('users')
    .selectAll()
    .where('email_normalized', '=', normalizeEmail(email))
    .executeTakeFirst();
}

export async function findUser(executor: Executor, id: string): Promise<UserRow | undefined> {
  return executor.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(
  executor: Executor,
  email: string,
  passwordHash: string,
  now: string,
): Promise<string> {
  const id = newId('user', Date.parse(now));
  await executor
    .insertInto('users')
    .values({
      id,
      email: email.trim(),
      email_normalized: normalizeEmail(email),
      password_hash: passwordHash,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

export async function updatePasswordHash(
  executor: Executor,
  userId: string,
  passwordHash: string,
  now: string,
): Promise<void> {
  await executor
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

export interface Membership {
  workspaceId: string;
  workspaceName: string;
  role: Role;
}

/** Adds the user to the workspace, or changes their role there. */
export async function upsertMembership(
  executor: Executor,
  workspaceId: string,
  userId: string,
  role: Role,
  now: string,
): Promise<void> {
  await executor
    .insertInto('memberships')
    .values({ workspace_id: workspaceId, user_id: userId, role, created_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role }))
    .execute();
}

export async function findMembership(
  executor: Executor,
  workspaceId: string,
  userId: string,
): Promise<Role | undefined> {
  const row = await executor
    .selectFrom('memberships')
    .select('role')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role as Role | undefined;
}

export async function listMemberships(executor: Executor, userId: string): Promise<Membership[]> {
  const rows = await executor
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select(['memberships.workspace_id', 'workspaces.name', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .orderBy('memberships.created_at')
    .orderBy('memberships.workspace_id')
    .execute();
  return rows.map((r) => ({
    workspaceId: r.workspace_id,
    workspaceName: r.name,
    role: r.role as Role,
  }));
}
