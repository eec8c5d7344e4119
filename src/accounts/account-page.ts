import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../platform/context.js';
import { formToken } from './http.js';
import { renderAccountPage, type Notices } from './pages.js';
import { canInvite } from './roles.js';
import type { SignedInUser } from './sessions.js';
import { listMemberships } from './users.js';

/** The signed-in account page: memberships, the invite form where allowed, password, sign-out. */
export async function accountPageFor(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  user: SignedInUser,
  notices: Notices,
): Promise<string> {
  const memberships = await listMemberships(services.db.kysely, user.userId);
  return renderAccountPage({
    ...notices,
    csrf: formToken(services, request, reply, user),
    email: user.email,
    memberships,
    invitable: memberships.filter((m) => canInvite(m.role, 'viewer')),
  });
}
