import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import { isoNow } from '../platform/time.js';
import { hashPassword } from './passwords.js';
import { revokeUserSessions } from './sessions.js';
import { hashToken, looksLikeSecretToken, newSecretToken } from './tokens.js';
import { findUserByEmail, updatePasswordHash } from './users.js';

/** How long a reset link works. */
export const RESET_TTL_MS = 60 * 60 * 1000;

export function resetLink(publicUrl: string, token: string): string {
  return `${publicUrl}/account/password-reset/confirm?token=${token}`;
}

/**
 * Sends a reset link when the address has an account and does nothing otherwise; the
 * caller shows the same page either way, so the form does not reveal who has an account.
 */
export async function requestPasswordReset(services: Services, email: string): Promise<void> {
  const user = await findUserByEmail(services.db.kysely, email);
  if (!user) return;

  const token = newSecretToken();
  const nowMs = services.clock.nowMs();
  await services.transaction(async (trx) => {
    await trx
      .insertInto('password_resets')
      .values({
        id: newId('passwordReset', nowMs),
        user_id: user.id,
        token_hash: hashToken(token),
        created_at: new Date(nowMs).toISOString(),
        expires_at: new Date(nowMs + RESET_TTL_MS).toISOString(),
        used_at: null,
      })
      .execute();
    await services.mailer.send(
      {
        workspaceId: null,
        to: user.email,
        kind: 'password_reset',
        subject: 'Reset your ShowTrust password',
        text: [
          'Someone asked to reset the password of your ShowTrust account.',
          '',
          `Choose a new password: ${resetLink(services.config.publicUrl, token)}`,
          '',
          'The link works once and expires in one hour. If it was not you, ignore this email.',
        ].join('\n'),
      },
      trx,
    );
  });
}

export interface OpenReset {
  id: string;
  userId: string;
}

export async function findOpenReset(
  services: Pick<Services, 'db' | 'clock'>,
  token: unknown,
): Promise<OpenReset | undefined> {
  if (!looksLikeSecretToken(token)) return undefined;
  const row = await services.db.kysely
    .selectFrom('password_resets')
    .select(['id', 'user_id'])
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', isoNow(services.clock))
    .executeTakeFirst();
  return row && { id: row.id, userId: row.user_id };
}

/**
 * Sets the new password, if the link is still unused: the link, every other open link of
 * the account and every session end in the same transaction.
 */
export async function completePasswordReset(
  services: Services,
  reset: OpenReset,
  newPassword: string,
): Promise<boolean> {
  const passwordHash = await hashPassword(newPassword);
  const now = isoNow(services.clock);
  return services.transaction(async (trx) => {
    const used = await trx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('id', '=', reset.id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return false;
    await setPasswordEverywhere(trx, reset.userId, passwordHash, now);
    return true;
  });
}

/** A new password ends every session and every open reset link of the account. */
export async function setPasswordEverywhere(
  executor: Executor,
  userId: string,
  passwordHash: string,
  now: string,
): Promise<void> {
  await updatePasswordHash(executor, userId, passwordHash, now);
  await revokeUserSessions(executor, userId, now);
  await executor
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}
