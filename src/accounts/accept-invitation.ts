import type { Services } from '../platform/context.js';
import { isoNow } from '../platform/time.js';
import { consumeInvitation, type OpenInvitation } from './invitations.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { createSession, type CreatedSession } from './sessions.js';
import { findUserByEmail, insertUser, isUniqueViolation } from './users.js';

export type AcceptOutcome =
  { accepted: true; session: CreatedSession } | { accepted: false; status: number; error: string };

const USED = { accepted: false, status: 410, error: 'This invitation was used or has expired.' };

/**
 * Someone opened an invitation link: an existing account proves itself with its password,
 * a new one chooses a password. The link is consumed in the same transaction that adds
 * the membership and opens a session, so it works exactly once.
 */
export async function acceptInvitation(
  services: Services,
  invitation: OpenInvitation,
  form: { password: string; passwordConfirm: string },
): Promise<AcceptOutcome> {
  const existing = await findUserByEmail(services.db.kysely, invitation.email);
  let passwordHash: string | undefined;
  if (existing) {
    if (!(await verifyPassword(form.password, existing.password_hash))) {
      return { accepted: false, status: 400, error: 'That password is not right.' };
    }
  } else {
    const problem = passwordProblem(form.password);
    if (problem) return { accepted: false, status: 422, error: problem };
    if (form.password !== form.passwordConfirm) {
      return { accepted: false, status: 422, error: 'The two passwords differ.' };
    }
    passwordHash = await hashPassword(form.password);
  }

  const now = isoNow(services.clock);
  try {
    return await services.transaction(async (trx) => {
      if (!(await consumeInvitation(trx, invitation.id, now))) return USED as AcceptOutcome;
      const userId = existing?.id ?? (await insertUser(trx, invitation.email, passwordHash!, now));
      // An existing member keeps the role they have; the invitation only adds people.
      await trx
        .insertInto('memberships')
        .values({
          workspace_id: invitation.workspaceId,
          user_id: userId,
          role: invitation.role,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
        .execute();
      return { accepted: true as const, session: await createSession(services, trx, userId) };
    });
  } catch (error) {
    // Two first-time acceptances of one address raced; the loser's transaction rolled back.
    if (isUniqueViolation(error)) return USED as AcceptOutcome;
    throw error;
  }
}
