import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import { isoNow } from '../platform/time.js';
import { hashToken, looksLikeSecretToken, newSecretToken } from './tokens.js';

/** last_seen_at is written at most this often per session, so page views do not all write. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface SignedInUser {
  sessionId: string;
  userId: string;
  email: string;
}

export interface CreatedSession {
  id: string;
  /** The cookie value; only its hash is stored. */
  token: string;
  expiresAtMs: number;
}

export async function createSession(
  services: Pick<Services, 'clock' | 'config'>,
  executor: Executor,
  userId: string,
): Promise<CreatedSession> {
  const nowMs = services.clock.nowMs();
  const token = newSecretToken();
  const id = newId('session', nowMs);
  const expiresAtMs = nowMs + services.config.accounts.sessionMaxAgeMs;
  const now = new Date(nowMs).toISOString();
  await executor
    .insertInto('sessions')
    .values({
      id,
      user_id: userId,
      token_hash: hashToken(token),
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(expiresAtMs).toISOString(),
      revoked_at: null,
    })
    .execute();
  return { id, token, expiresAtMs };
}

/**
 * The user behind a session cookie, if the session is live: not revoked, not past its
 * expiry, and used within the idle timeout. Each use moves the idle deadline.
 */
export async function findSignedInUser(
  services: Pick<Services, 'clock' | 'config' | 'db'>,
  token: string | undefined,
): Promise<SignedInUser | undefined> {
  if (!looksLikeSecretToken(token)) return undefined;
  const row = await services.db.kysely
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.user_id',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.revoked_at',
      'users.email',
    ])
    .where('sessions.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at) return undefined;

  const nowMs = services.clock.nowMs();
  const lastSeenMs = Date.parse(row.last_seen_at);
  if (Date.parse(row.expires_at) <= nowMs) return undefined;
  if (lastSeenMs + services.config.accounts.sessionIdleMs <= nowMs) return undefined;

  if (nowMs - lastSeenMs > LAST_SEEN_RESOLUTION_MS) {
    await services.db.kysely
      .updateTable('sessions')
      .set({ last_seen_at: new Date(nowMs).toISOString() })
      .where('id', '=', row.id)
      .execute();
  }
  return { sessionId: row.id, userId: row.user_id, email: row.email };
}

export async function revokeSession(
  services: Pick<Services, 'clock' | 'db'>,
  sessionId: string,
): Promise<void> {
  await services.db.kysely
    .updateTable('sessions')
    .set({ revoked_at: isoNow(services.clock) })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Every session of the user ends: after a password change or reset. */
export async function revokeUserSessions(
  executor: Executor,
  userId: string,
  now: string,
): Promise<void> {
  await executor
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
