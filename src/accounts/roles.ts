import { SCOPES, type Scope } from '../auth/scopes.js';

export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The content an editor may change; everything else (webhooks, apps, keys…) is for admins. */
const EDITOR_WRITES: readonly Scope[] = ['testimonials:write', 'forms:write', 'widgets:write'];

/**
 * What a member of each role may let an OAuth app do for them: owners and admins
 * everything, editors read everything and change content, viewers read.
 */
export function scopesForRole(role: Role): Scope[] {
  const reads = SCOPES.filter((scope) => scope.endsWith(':read'));
  if (role === 'viewer') return reads;
  if (role === 'editor') return [...reads, ...EDITOR_WRITES];
  return [...SCOPES];
}

/** Owners and admins invite people; only an owner may make another owner. */
export function canInvite(inviter: Role, role: Role): boolean {
  if (inviter === 'owner') return true;
  return inviter === 'admin' && role !== 'owner';
}
