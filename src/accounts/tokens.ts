import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: session cookies, invitation and reset links. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only this hash is stored, so a copy of the database opens no session and no link. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The shape newSecretToken makes; anything else is refused before a query. */
export function looksLikeSecretToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}
