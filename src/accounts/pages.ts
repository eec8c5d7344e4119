import { Eta } from 'eta';
import { ACCOUNT_CSS_ASSET } from './assets.js';
import { MIN_PASSWORD_CHARS } from './passwords.js';
import { ROLES } from './roles.js';
import {
  ACCOUNT_PAGE,
  INVITATION_PAGE,
  LAYOUT,
  MESSAGE_PAGE,
  RESET_CONFIRM_PAGE,
  RESET_REQUEST_PAGE,
  SIGN_IN_PAGE,
} from './templates.js';
import type { Membership } from './users.js';

/** An Eta with our layout loaded, plus the given templates (`@name` → source). */
export function createPageRenderer(templates: Record<string, string>) {
  const eta = new Eta({ autoEscape: true, cache: true });
  eta.loadTemplate('@layout', LAYOUT);
  for (const [name, source] of Object.entries(templates)) eta.loadTemplate(name, source);
  return (name: string, title: string, data: object) =>
    eta.render(name, {
      title,
      stylesheetHref: ACCOUNT_CSS_ASSET.href,
      minPasswordChars: MIN_PASSWORD_CHARS,
      notice: null,
      error: null,
      ...data,
    });
}

const render = createPageRenderer({
  '@sign-in': SIGN_IN_PAGE,
  '@message': MESSAGE_PAGE,
  '@reset-request': RESET_REQUEST_PAGE,
  '@reset-confirm': RESET_CONFIRM_PAGE,
  '@invitation': INVITATION_PAGE,
  '@account': ACCOUNT_PAGE,
});

export interface Notices {
  notice?: string | null;
  error?: string | null;
}

export function renderSignInPage(
  page: { csrf: string; returnTo: string; email: string } & Notices,
): string {
  return render('@sign-in', page.error ? 'Error: Sign in' : 'Sign in', page);
}

export function renderMessagePage(
  heading: string,
  message: string,
  link?: { href: string; text: string },
): string {
  return render('@message', heading, {
    heading,
    message,
    linkHref: link?.href ?? null,
    linkText: link?.text ?? null,
  });
}

export function renderResetRequestPage(page: { csrf: string } & Notices): string {
  return render('@reset-request', 'Reset your password', page);
}

export function renderResetConfirmPage(page: { csrf: string; token: string } & Notices): string {
  return render('@reset-confirm', page.error ? 'Error: New password' : 'New password', page);
}

export function renderInvitationPage(
  page: {
    csrf: string;
    token: string;
    workspaceName: string;
    role: string;
    email: string;
    existingUser: boolean;
  } & Notices,
): string {
  return render('@invitation', `Join ${page.workspaceName}`, page);
}

export function renderAccountPage(
  page: {
    csrf: string;
    email: string;
    memberships: Membership[];
    invitable: Membership[];
  } & Notices,
): string {
  return render('@account', 'Your account', { ...page, roles: ROLES });
}
