import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../platform/context.js';
import { toProblem, AppError } from '../platform/errors.js';
import type { App } from '../platform/http/types.js';
import {
  clearSessionCookie,
  currentUser,
  formField,
  formToken,
  isGenuineFormPost,
  sendPage,
  setSessionCookie,
} from './http.js';
import type { LoginThrottle } from './login-throttle.js';
import { accountPageFor } from './account-page.js';
import { renderSignInPage, type Notices } from './pages.js';
import { needsRehash, hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.js';
import { createSession, revokeSession } from './sessions.js';
import { findUserByEmail, listMemberships, normalizeEmail, updatePasswordHash } from './users.js';
import { isoNow } from '../platform/time.js';

const hide = { schema: { hide: true } };
const MAX_RETURN_TO_CHARS = 2048;
export const EXPIRED_FORM = 'This form expired or came from another site. Please try again.';

/** Only a path on this server: anything that could leave it (`//host`, `/\host`) is dropped. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_RETURN_TO_CHARS) return '/account';
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return '/account';
  return value;
}

export function signInUrl(returnTo: string): string {
  return `/account/sign-in?return_to=${encodeURIComponent(returnTo)}`;
}

export interface SignInDeps {
  services: Services;
  throttle: LoginThrottle;
}

/** Sign-in, sign-out, the account page and the session the coming admin app will read. */
export async function signInRoutes(app: App, { services, throttle }: SignInDeps) {
  function signInPage(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    page: { returnTo: string; email: string } & Notices,
  ) {
    const csrf = formToken(services, request, reply, undefined);
    return sendPage(reply, status, renderSignInPage({ ...page, csrf }));
  }

  app.get('/account/sign-in', hide, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const returnTo = safeReturnTo(query.return_to);
    if (await currentUser(services, request)) return reply.redirect(returnTo, 303);
    const notice = query.signed_out === '1' ? 'You are signed out.' : null;
    return signInPage(request, reply, 200, { returnTo, email: '', notice });
  });

  app.post('/account/sign-in', hide, async (request, reply) => {
    const returnTo = safeReturnTo(formField(request, 'return_to'));
    const email = formField(request, 'email').slice(0, 320);
    if (!isGenuineFormPost(services, request, undefined)) {
      return signInPage(request, reply, 403, { returnTo, email, error: EXPIRED_FORM });
    }

    const decision = await throttle.attempt(normalizeEmail(email), request.ip);
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      const minutes = Math.ceil(decision.retryAfterSeconds / 60);
      const error = `Too many sign-in attempts. Please wait ${minutes} minute(s) and try again.`;
      return signInPage(request, reply, 429, { returnTo, email, error });
    }

    const userId = await checkPassword(services, email, formField(request, 'password'));
    if (!userId) {
      request.log.info({ reason: 'bad_credentials' }, 'sign-in refused');
      return signInPage(request, reply, 400, {
        returnTo,
        email,
        error: 'That email and password do not match an account.',
      });
    }
    const session = await createSession(services, services.db.kysely, userId);
    setSessionCookie(services, reply, session.token);
    request.log.info({ userId, sessionId: session.id }, 'signed in');
    return reply.redirect(returnTo, 303);
  });

  app.post('/account/sign-out', hide, async (request, reply) => {
    const user = await currentUser(services, request);
    if (!user) return reply.redirect('/account/sign-in', 303);
    if (!isGenuineFormPost(services, request, user)) {
      const page = await accountPageFor(services, request, reply, user, { error: EXPIRED_FORM });
      return sendPage(reply, 403, page);
    }
    await revokeSession(services, user.sessionId);
    clearSessionCookie(services, reply);
    return reply.redirect('/account/sign-in?signed_out=1', 303);
  });

  app.get('/account', hide, async (request, reply) => {
    const user = await currentUser(services, request);
    if (!user) return reply.redirect(signInUrl('/account'), 303);
    return sendPage(reply, 200, await accountPageFor(services, request, reply, user, {}));
  });

  app.get('/account/session', hide, async (request, reply) => {
    const user = await currentUser(services, request);
    reply.header('cache-control', 'no-store');
    if (!user) {
      const problem = toProblem(new AppError('unauthorized', 'Not signed in.'), request.id);
      return reply.code(401).type('application/problem+json').send(problem);
    }
    const memberships = await listMemberships(services.db.kysely, user.userId);
    return {
      user: { id: user.userId, email: user.email },
      memberships: memberships.map((m) => ({
        workspace_id: m.workspaceId,
        workspace_name: m.workspaceName,
        role: m.role,
      })),
      csrf_token: formToken(services, request, reply, user),
    };
  });
}

/** The user id when the password matches; an unknown email costs the same hash. */
async function checkPassword(
  services: Services,
  email: string,
  password: string,
): Promise<string | undefined> {
  const user = await findUserByEmail(services.db.kysely, email);
  if (!user) return verifyAgainstDecoy(password).then(() => undefined);
  if (!(await verifyPassword(password, user.password_hash))) return undefined;
  if (needsRehash(user.password_hash)) {
    const upgraded = await hashPassword(password);
    await updatePasswordHash(services.db.kysely, user.id, upgraded, isoNow(services.clock));
  }
  return user.id;
}
