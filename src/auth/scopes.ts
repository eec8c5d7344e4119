export const SCOPES = [
  'testimonials:read',
  'testimonials:write',
  'forms:read',
  'forms:write',
  'widgets:read',
  'widgets:write',
  'webhooks:read',
  'webhooks:write',
  'api_keys:read',
  'api_keys:write',
  'audit_log:read',
  'emails:read',
  'contacts:read',
  'contacts:write',
  'customer-events:read',
  'customer-events:write',
  'rules:read',
  'rules:write',
  'review-requests:read',
  'review-requests:write',
  'connections:read',
  'connections:write',
  'oauth_apps:read',
  'oauth_apps:write',
] as const;

export type Scope = (typeof SCOPES)[number];
export const ALL_SCOPES = '*';

export function isScope(value: string): value is Scope | typeof ALL_SCOPES {
  return value === ALL_SCOPES || (SCOPES as readonly string[]).includes(value);
}

export function grants(held: readonly string[], needed: Scope): boolean {
  return held.includes(ALL_SCOPES) || held.includes(needed);
}
