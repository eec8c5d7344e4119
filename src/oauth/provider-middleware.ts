import type { KoaContextWithOIDC } from 'oidc-provider';
import { SCOPES } from '../auth/scopes.js';
import { OAUTH_PAGE_HEADERS, renderOAuthErrorPage } from './pages.js';

type Next = () => Promise<void>;

/**
 * Only `response_mode=query` (the default for code): the others would answer with a page
 * of oidc-provider's (form_post runs an inline script) or put the code in a fragment.
 */
export function onlyQueryResponseMode(authorizationPath: string) {
  return async function checkResponseMode(ctx: KoaContextWithOIDC, next: Next) {
    const mode = ctx.path.startsWith(authorizationPath) ? ctx.query.response_mode : undefined;
    if (mode === undefined || mode === 'query') return next();
    ctx.status = 400;
    ctx.type = 'html';
    ctx.set(OAUTH_PAGE_HEADERS);
    ctx.body = renderOAuthErrorPage(
      'unsupported_response_mode',
      'only response_mode=query is supported',
    );
  };
}

/**
 * The metadata document tells the truth about what we accept: oidc-provider lists its own
 * (OpenID) scopes and every response mode; our scopes are the API's, our mode is query.
 */
export function describeOurScopes(metadataPath: string) {
  return async function rewriteMetadata(ctx: KoaContextWithOIDC, next: Next) {
    await next();
    if (ctx.path !== metadataPath || ctx.status !== 200 || typeof ctx.body !== 'object') return;
    const body = ctx.body as Record<string, unknown>;
    body.scopes_supported = [...SCOPES];
    body.response_modes_supported = ['query'];
  };
}

/**
 * oidc-provider keeps its own sign-in session in a cookie; we drop that cookie, so our
 * session is the only sign-in: every authorization asks our consent page, which checks
 * who is signed in now.
 */
export function dropProviderSession(sessionCookie: string) {
  return async function dropSessionCookie(ctx: KoaContextWithOIDC, next: Next) {
    await next();
    const cookies = ctx.response.get('set-cookie') as unknown as string[] | string | undefined;
    if (!cookies) return;
    const list = Array.isArray(cookies) ? cookies : [cookies];
    const ours = (c: string) =>
      c.startsWith(`${sessionCookie}=`) || c.startsWith(`${sessionCookie}.sig=`);
    const kept = list.filter((c) => !ours(c));
    if (kept.length === 0) ctx.remove('set-cookie');
    else ctx.set('set-cookie', kept);
  };
}
