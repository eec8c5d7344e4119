import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../platform/context.js';
import type { App } from '../platform/http/types.js';
import { isoNow } from '../platform/time.js';
import { accountPageFor } from './account-page.js';
import {
  currentUser,
  formField,
  formToken,
  isGenuineFormPost,
  sendPage,
  setSessionCookie,
} from './http.js';
import type { LoginThrottle } from './login-throttle.js';
import { renderMessagePage, renderResetConfirmPage, renderResetRequestPage } from './pages.js';
import {
  completePasswordReset,
  findOpenReset,
  requestPasswordReset,
  setPasswordEverywhere,
} from './password-reset.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { createSession, type SignedInUser } from './sessions.js';
import { EXPIRED_FORM, signInUrl } from './sign-in-routes.js';
import { findUser, normalizeEmail } from './users.js';

const hide = { schema: { hide: true } };
const SENT =
  'If an account uses that address, we have sent it a link to choose a new password. It works for one hour.';
const LINK_GONE = renderMessagePage(
  'This link no longer works',
  'Reset links work once and for one hour. Ask for a new one.',
  { href: '/account/password-reset', text: 'Ask for a new link' },
);

/** The new password and its repetition, or why they are refused. */
function newPasswordProblem(request: FastifyRequest): string | undefined {
  const password = formField(request, 'password');
  if (password !== formField(request, 'password_confirm')) return 'The two passwords differ.';
  return passwordProblem(password);
}

export interface PasswordDeps {
  services: Services;
  /** Reset requests per address and per IP, so the form cannot be used to flood a mailbox. */
  resetThrottle: LoginThrottle;
  /** The sign-in budget: changing a password checks the current one. */
  signInThrottle: LoginThrottle;
}

/** Password reset by email link, and changing the password while signed in. */
export async function passwordRoutes(app: App, deps: PasswordDeps) {
  const { services } = deps;

  function requestPage(request: FastifyRequest, reply: FastifyReply, status: number, notices = {}) {
    const csrf = formToken(services, request, reply, undefined);
    return sendPage(reply, status, renderResetRequestPage({ csrf, ...notices }));
  }

  app.get('/account/password-reset', hide, async (request, reply) =>
    requestPage(request, reply, 200),
  );

  app.post('/account/password-reset', hide, async (request, reply) => {
    if (!isGenuineFormPost(services, request, undefined)) {
      return requestPage(request, reply, 403, { error: EXPIRED_FORM });
    }
    const email = formField(request, 'email').slice(0, 320);
    const decision = await deps.resetThrottle.attempt(normalizeEmail(email), request.ip);
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      return requestPage(request, reply, 429, { error: 'Too many requests. Please try later.' });
    }
    await requestPasswordReset(services, email);
    return requestPage(request, reply, 200, { notice: SENT });
  });

  app.get('/account/password-reset/confirm', hide, async (request, reply) => {
    const token = (request.query as Record<string, unknown>).token;
    if (!(await findOpenReset(services, token))) return sendPage(reply, 410, LINK_GONE);
    const csrf = formToken(services, request, reply, undefined);
    return sendPage(reply, 200, renderResetConfirmPage({ csrf, token: String(token) }));
  });

  app.post('/account/password-reset/confirm', hide, async (request, reply) => {
    const token = formField(request, 'token');
    const reset = await findOpenReset(services, token);
    if (!reset) return sendPage(reply, 410, LINK_GONE);
    const csrf = formToken(services, request, reply, undefined);
    if (!isGenuineFormPost(services, request, undefined)) {
      return sendPage(reply, 403, renderResetConfirmPage({ csrf, token, error: EXPIRED_FORM }));
    }
    const problem = newPasswordProblem(request);
    if (problem)
      return sendPage(reply, 422, renderResetConfirmPage({ csrf, token, error: problem }));

    if (!(await completePasswordReset(services, reset, formField(request, 'password')))) {
      return sendPage(reply, 410, LINK_GONE);
    }
    request.log.info({ userId: reset.userId }, 'password reset');
    return sendPage(
      reply,
      200,
      renderMessagePage(
        'Password changed',
        'Your new password is set; every session was signed out.',
        {
          href: '/account/sign-in',
          text: 'Sign in',
        },
      ),
    );
  });

  app.post('/account/password', hide, async (request, reply) => {
    const user = await currentUser(services, request);
    if (!user) return reply.redirect(signInUrl('/account'), 303);
    const fail = async (status: number, error: string) =>
      sendPage(reply, status, await accountPageFor(services, request, reply, user, { error }));
    if (!isGenuineFormPost(services, request, user)) return fail(403, EXPIRED_FORM);

    const decision = await deps.signInThrottle.attempt(normalizeEmail(user.email), request.ip);
    if (!decision.allowed) return fail(429, 'Too many attempts. Please try later.');
    const problem = newPasswordProblem(request);
    if (problem) return fail(422, problem);
    if (!(await changePassword(services, user, request))) {
      return fail(400, 'Your current password is not right.');
    }

    // Every session ended with the change; this browser gets a fresh one.
    const session = await createSession(services, services.db.kysely, user.userId);
    setSessionCookie(services, reply, session.token);
    request.log.info({ userId: user.userId }, 'password changed');
    return reply.redirect('/account', 303);
  });
}

async function changePassword(services: Services, user: SignedInUser, request: FastifyRequest) {
  const row = await findUser(services.db.kysely, user.userId);
  if (!row || !(await verifyPassword(formField(request, 'current_password'), row.password_hash))) {
    return false;
  }
  const passwordHash = await hashPassword(formField(request, 'password'));
  const now = isoNow(services.clock);
  await services.transaction((trx) => setPasswordEverywhere(trx, user.userId, passwordHash, now));
  return true;
}
