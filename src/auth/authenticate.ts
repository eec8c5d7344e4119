import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Services } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { authenticateAccessToken, isOAuthPrincipal } from '../oauth/access-tokens.js';
import {
  API_KEY_PREFIX,
  authenticateApiKey,
  recordKeyRefusal,
  type Principal,
} from './api-keys.js';
import { grants, type Scope } from './scopes.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const QUERY_CREDENTIALS = ['api_key', 'apikey', 'access_token', 'token', 'key'];

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token.trim() : undefined;
}

/**
 * Builds the onRequest hook for an authenticated route: it runs before the body is read,
 * so a caller without the right credential learns nothing from validation errors.
 */
export function authenticator(services: Pick<Services, 'db' | 'clock'>) {
  return function requireScope(scope: Scope): ScopedHook {
    const hook = async function checkCredential(request: FastifyRequest, _reply: FastifyReply) {
      const query = request.query as Record<string, unknown>;
      if (QUERY_CREDENTIALS.some((name) => name in query)) {
        throw new AppError(
          'api_key_in_query',
          'Credentials are not accepted in the query string; send them as "Authorization: Bearer <key>".',
        );
      }
      const token = bearerToken(request);
      if (!token)
        throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');

      const use = { requestId: request.id, ip: request.ip };
      // Anything not shaped like an API key may be an OAuth access token of one of our apps.
      const isApiKey = token.startsWith(API_KEY_PREFIX);
      const principal = isApiKey
        ? await authenticateApiKey(services, token, use)
        : await authenticateAccessToken(services, token);
      if (!principal) {
        const what = isApiKey ? 'API key' : 'access token';
        throw new AppError('unauthorized', `The ${what} is invalid, expired or revoked.`);
      }
      if (!grants(principal.scopes, scope)) {
        if (!isOAuthPrincipal(principal)) {
          await recordKeyRefusal(services, principal, { reason: 'missing_scope', scope }, use);
        }
        throw new AppError('forbidden', `This credential lacks the "${scope}" scope.`);
      }
      request.principal = principal;
    };
    return Object.assign(hook, { scope });
  };
}

/** An authentication hook that says which scope it demands, so tests can find every guarded route. */
export type ScopedHook = onRequestHookHandler & { scope: Scope };

export function requiredScope(hooks: unknown): Scope | undefined {
  const list = Array.isArray(hooks) ? hooks : [hooks];
  return list.find((h): h is ScopedHook => typeof h === 'function' && 'scope' in h)?.scope;
}

export type RequireScope = ReturnType<typeof authenticator>;

/** The authenticated workspace of a request that passed requireScope. */
export function workspaceOf(request: FastifyRequest): string {
  if (!request.principal) throw new AppError('unauthorized');
  return request.principal.workspaceId;
}
