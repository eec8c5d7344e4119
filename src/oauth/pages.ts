import { PAGE_HEADERS, pageCsp } from '../accounts/http.js';
import { createPageRenderer } from '../accounts/pages.js';
import { CONSENT_PAGE, OAUTH_ERROR_PAGE } from './templates.js';

/** Headers of the pages oidc-provider renders through us (its error page). */
export const OAUTH_PAGE_HEADERS = { 'content-security-policy': pageCsp(), ...PAGE_HEADERS };

const render = createPageRenderer({ '@consent': CONSENT_PAGE, '@oauth-error': OAUTH_ERROR_PAGE });

/** `testimonials:write` → "Create, change and delete testimonials". */
export function describeScope(scope: string): string {
  const [resource = scope, access] = scope.split(':');
  const what = resource.replace(/[-_]/g, ' ');
  return access === 'write' ? `Create, change and delete ${what}` : `Read ${what}`;
}

export interface ConsentPage {
  appName: string;
  workspaceName: string;
  email: string;
  scopes: string[];
  redirectHost: string;
  action: string;
  csrf: string;
  /** Why this person cannot allow the request; only Deny is offered then. */
  problem: string | null;
}

export function renderConsentPage(page: ConsentPage): string {
  return render('@consent', `Allow ${page.appName}?`, {
    ...page,
    scopes: page.scopes.map((name) => ({ name, description: describeScope(name) })),
  });
}

const EXPLANATIONS: Record<string, [heading: string, message: string]> = {
  invalid_redirect_uri: [
    'This link cannot be followed',
    'The app asked to send you back to an address it has not registered, so we did not send you anywhere. Please tell the app’s maker.',
  ],
  invalid_client: [
    'Unknown app',
    'The app that sent you here is not registered with ShowTrust, or was removed.',
  ],
  session_not_found: ['This request has expired', 'Go back to the app and start again.'],
};

/** Our page for a refused authorization request that must not go back to the app. */
export function renderOAuthErrorPage(code: string, description: string | undefined): string {
  const [heading, message] = EXPLANATIONS[code] ?? [
    'The app’s request was refused',
    'Please go back to the app and try again, or tell the app’s maker.',
  ];
  return render('@oauth-error', heading, {
    heading,
    message,
    code,
    description: description ?? null,
  });
}
