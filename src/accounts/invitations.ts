import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { AppError, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { isoNow } from '../platform/time.js';
import { canInvite, type Role } from './roles.js';
import { hashToken, looksLikeSecretToken, newSecretToken } from './tokens.js';
import { findMembership, findUserByEmail, isEmail, normalizeEmail } from './users.js';

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface InvitationRequest {
  workspaceId: string;
  inviterId: string;
  email: string;
  role: Role;
}

export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/account/invitations/accept?token=${token}`;
}

/**
 * An owner or admin invites an address to a workspace with a role; the link goes out by
 * email in the same transaction as the invitation row, so neither exists without the other.
 */
export async function inviteMember(
  services: Services,
  request: InvitationRequest,
): Promise<{ id: string }> {
  const email = normalizeEmail(request.email);
  if (!isEmail(email)) throw validationError('email', 'is not an email address');
  const inviterRole = await findMembership(
    services.db.kysely,
    request.workspaceId,
    request.inviterId,
  );
  if (!inviterRole || !canInvite(inviterRole, request.role)) {
    throw new AppError('forbidden', `Your role cannot invite a member as ${request.role}.`);
  }
  const existing = await findUserByEmail(services.db.kysely, email);
  if (existing && (await findMembership(services.db.kysely, request.workspaceId, existing.id))) {
    throw new AppError('conflict', `${email} is already a member of this workspace.`);
  }

  const token = newSecretToken();
  const nowMs = services.clock.nowMs();
  const id = newId('invitation', nowMs);
  await services.transaction(async (trx) => {
    await trx
      .insertInto('invitations')
      .values({
        id,
        workspace_id: request.workspaceId,
        email,
        role: request.role,
        token_hash: hashToken(token),
        invited_by: request.inviterId,
        created_at: new Date(nowMs).toISOString(),
        expires_at: new Date(nowMs + INVITATION_TTL_MS).toISOString(),
        accepted_at: null,
      })
      .execute();
    const workspace = await workspaceName(trx, request.workspaceId);
    await services.mailer.send(
      {
        workspaceId: request.workspaceId,
        to: email,
        kind: 'invitation',
        subject: `You are invited to ${workspace} on ShowTrust`,
        text: [
          `You are invited to join ${workspace} on ShowTrust as ${request.role}.`,
          '',
          `Accept the invitation: ${invitationLink(services.config.publicUrl, token)}`,
          '',
          'The link works once and expires in 7 days. If you did not expect it, ignore this email.',
        ].join('\n'),
      },
      trx,
    );
  });
  return { id };
}

async function workspaceName(executor: Executor, workspaceId: string): Promise<string> {
  const row = await executor
    .selectFrom('workspaces')
    .select('name')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row?.name ?? 'a workspace';
}

export interface OpenInvitation {
  id: string;
  workspaceId: string;
  workspaceName: string;
  email: string;
  role: Role;
}

/** The invitation behind a link, if it is neither used nor expired. */
export async function findOpenInvitation(
  services: Pick<Services, 'db' | 'clock'>,
  token: unknown,
): Promise<OpenInvitation | undefined> {
  if (!looksLikeSecretToken(token)) return undefined;
  const row = await services.db.kysely
    .selectFrom('invitations')
    .innerJoin('workspaces', 'workspaces.id', 'invitations.workspace_id')
    .select([
      'invitations.id',
      'invitations.workspace_id',
      'workspaces.name',
      'invitations.email',
      'invitations.role',
    ])
    .where('invitations.token_hash', '=', hashToken(token))
    .where('invitations.accepted_at', 'is', null)
    .where('invitations.expires_at', '>', isoNow(services.clock))
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    workspaceName: row.name,
    email: row.email,
    role: row.role as Role,
  };
}

/** Marks the invitation used; false when another request used it first (single use). */
export async function consumeInvitation(
  executor: Executor,
  invitationId: string,
  now: string,
): Promise<boolean> {
  const result = await executor
    .updateTable('invitations')
    .set({ accepted_at: now })
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
