import * as oauth from 'oauth4webapi';
import { expect } from 'vitest';
import { hiddenField } from './cookie-jar.js';
import type { FetchBrowser } from './fetch-browser.js';

/** Our test server speaks plain http on 127.0.0.1; the library refuses that unless told. */
export const insecure = { [oauth.allowInsecureRequests]: true } as const;

export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  const res = await oauth.discoveryRequest(url, { algorithm: 'oauth2', ...insecure });
  return oauth.processDiscoveryResponse(url, res);
}

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  /** Omit to send no code_challenge; `plain` sends the verifier itself as the challenge. */
  pkce?: 'S256' | 'plain' | 'none';
}

export interface StartedAuthorization {
  url: URL;
  state: string;
  codeVerifier: string;
}

export async function authorizationUrl(
  as: oauth.AuthorizationServer,
  request: AuthorizeRequest,
): Promise<StartedAuthorization> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set('client_id', request.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', request.scope);
  url.searchParams.set('state', state);
  const pkce = request.pkce ?? 'S256';
  if (pkce === 'S256') {
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
  } else if (pkce === 'plain') {
    url.searchParams.set('code_challenge', codeVerifier);
    url.searchParams.set('code_challenge_method', 'plain');
  }
  return { url, state, codeVerifier };
}

/**
 * Walks the browser from the authorization URL through sign-in (if needed) to our consent
 * page and answers it; returns where the server finally sends the browser (the app's
 * redirect URI, with a code or an error).
 */
export async function consentThrough(
  browser: FetchBrowser,
  start: URL,
  decision: 'approve' | 'deny',
  credentials?: { email: string; password: string },
): Promise<URL> {
  let res = await browser.follow(await browser.get(start.href));
  if (new URL(res.url).pathname === '/account/sign-in') {
    const csrf = hiddenField(await res.text(), '_csrf');
    const returnTo = new URL(res.url).searchParams.get('return_to')!;
    res = await browser.post('/account/sign-in', {
      _csrf: csrf,
      return_to: returnTo,
      email: credentials!.email,
      password: credentials!.password,
    });
    res = await browser.follow(res);
  }
  expect(res.status).toBe(200);
  const page = await res.text();
  expect(page).toContain('<h1>Allow ');
  const action = /<form method="post" action="([^"]+)">/.exec(page)![1]!;
  const answered = await browser.post(action, { _csrf: hiddenField(page, '_csrf'), decision });
  const final = await browser.follow(answered);
  expect(final.status).toBe(303);
  return new URL(final.headers.get('location')!);
}
