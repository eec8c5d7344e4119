import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import type { App } from '../platform/http/types.js';
import { acceptInvitation } from './accept-invitation.js';
import { accountPageFor } from './account-page.js';
import {
  currentUser,
  formField,
  formToken,
  isGenuineFormPost,
  sendPage,
  setSessionCookie,
} from './http.js';
import { findOpenInvitation, inviteMember, type OpenInvitation } from './invitations.js';
import type { LoginThrottle } from './login-throttle.js';
import { renderInvitationPage, renderMessagePage, type Notices } from './pages.js';
import { isRole } from './roles.js';
import { EXPIRED_FORM, signInUrl } from './sign-in-routes.js';
import { findUserByEmail } from './users.js';

const hide = { schema: { hide: true } };
const INVITATION_GONE = renderMessagePage(
  'This invitation no longer works',
  'Invitation links work once and for 7 days. Ask the person who invited you for a new one.',
);

export interface InvitationDeps {
  services: Services;
  throttle: LoginThrottle;
}

/** Inviting a member from the account page, and accepting an invitation link. */
export async function invitationRoutes(app: App, { services, throttle }: InvitationDeps) {
  app.post('/account/invitations', hide, async (request, reply) => {
    const user = await currentUser(services, request);
    if (!user) return reply.redirect(signInUrl('/account'), 303);
    const page = async (status: number, notices: Notices) =>
      sendPage(reply, status, await accountPageFor(services, request, reply, user, notices));
    if (!isGenuineFormPost(services, request, user)) return page(403, { error: EXPIRED_FORM });

    const role = formField(request, 'role');
    const email = formField(request, 'email');
    if (!isRole(role)) return page(422, { error: 'Choose one of the roles offered.' });
    try {
      const workspaceId = formField(request, 'workspace_id');
      await inviteMember(services, { workspaceId, inviterId: user.userId, email, role });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return page(error.status, { error: error.detail ?? error.title });
    }
    request.log.info({ userId: user.userId, role }, 'member invited');
    return page(200, { notice: `Invitation sent to ${email.trim()}.` });
  });

  async function invitationPage(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    invitation: OpenInvitation,
    token: string,
    notices: Notices,
  ) {
    const existingUser =
      (await findUserByEmail(services.db.kysely, invitation.email)) !== undefined;
    const csrf = formToken(services, request, reply, undefined);
    return sendPage(
      reply,
      status,
      renderInvitationPage({ ...invitation, ...notices, csrf, token, existingUser }),
    );
  }

  app.get('/account/invitations/accept', hide, async (request, reply) => {
    const token = (request.query as Record<string, unknown>).token;
    const invitation = await findOpenInvitation(services, token);
    if (!invitation) return sendPage(reply, 410, INVITATION_GONE);
    return invitationPage(request, reply, 200, invitation, String(token), {});
  });

  app.post('/account/invitations/accept', hide, async (request, reply) => {
    const token = formField(request, 'token');
    const invitation = await findOpenInvitation(services, token);
    if (!invitation) return sendPage(reply, 410, INVITATION_GONE);
    if (!isGenuineFormPost(services, request, undefined)) {
      return invitationPage(request, reply, 403, invitation, token, { error: EXPIRED_FORM });
    }
    const decision = await throttle.attempt(invitation.email, request.ip);
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      const error = 'Too many attempts. Please try later.';
      return invitationPage(request, reply, 429, invitation, token, { error });
    }

    const outcome = await acceptInvitation(services, invitation, {
      password: formField(request, 'password'),
      passwordConfirm: formField(request, 'password_confirm'),
    });
    if (!outcome.accepted) {
      if (outcome.status === 410) return sendPage(reply, 410, INVITATION_GONE);
      return invitationPage(request, reply, outcome.status, invitation, token, outcome);
    }
    const { session } = outcome;
    setSessionCookie(services, reply, session.token);
    request.log.info({ invitationId: invitation.id }, 'invitation accepted');
    return reply.redirect('/account', 303);
  });
}
