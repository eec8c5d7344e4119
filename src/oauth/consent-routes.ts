import type { FastifyReply, FastifyRequest } from 'fastify';
import type { InteractionResults, Provider } from 'oidc-provider';
import {
  currentUser,
  formField,
  formToken,
  isGenuineFormPost,
  pageCsp,
  sendPage,
} from '../accounts/http.js';
import { scopesForRole } from '../accounts/roles.js';
import type { SignedInUser } from '../accounts/sessions.js';
import { EXPIRED_FORM, signInUrl } from '../accounts/sign-in-routes.js';
import { findMembership } from '../accounts/users.js';
import { SCOPES } from '../auth/scopes.js';
import type { Services } from '../platform/context.js';
import type { App } from '../platform/http/types.js';
import { findAppByClientId, type OAuthAppRow } from './apps-store.js';
import type { OAuthServer } from './oauth-server.js';
import { renderConsentPage, renderOAuthErrorPage } from './pages.js';
import { CONSENT_PATH, apiResource } from './provider.js';

const hide = { schema: { hide: true } };
const API_SCOPES = new Set<string>(SCOPES);

interface UidParams {
  uid: string;
}

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

interface ConsentRequest {
  interaction: Interaction;
  app: OAuthAppRow;
  scopes: string[];
  redirectUri: URL;
  /** Why the signed-in user cannot allow it, if they cannot. */
  problem: string | null;
}

/** What the pending authorization asks, and whether this user may grant it. */
async function describeRequest(
  services: Services,
  interaction: Interaction,
  user: SignedInUser,
): Promise<ConsentRequest | undefined> {
  const clientId = String(interaction.params.client_id ?? '');
  const app = await findAppByClientId(services.db.kysely, clientId);
  if (!app) return undefined;
  const scopes = String(interaction.params.scope ?? '')
    .split(' ')
    .filter((s) => API_SCOPES.has(s));
  const redirectUri = new URL(String(interaction.params.redirect_uri));

  const role = await findMembership(services.db.kysely, app.workspace_id, user.userId);
  let problem: string | null = null;
  if (!role) {
    problem =
      'You are not a member of the workspace that registered this app, so you cannot allow it.';
  } else {
    const allowed = new Set<string>(scopesForRole(role));
    const beyond = scopes.filter((s) => !allowed.has(s));
    if (beyond.length > 0) problem = `As ${role} you cannot allow: ${beyond.join(', ')}.`;
  }
  return { interaction, app, scopes, redirectUri, problem };
}

async function workspaceName(services: Services, workspaceId: string): Promise<string> {
  const row = await services.db.kysely
    .selectFrom('workspaces')
    .select('name')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row?.name ?? workspaceId;
}

/**
 * The consent screen oidc-provider sends people to (`/oauth/consent/:uid`): signed in with
 * our own session, a member sees the app and the scopes it asks for, and allows or denies.
 */
export async function consentRoutes(app: App, services: Services, server: OAuthServer) {
  const expired = (reply: FastifyReply) =>
    sendPage(
      reply,
      400,
      renderOAuthErrorPage('session_not_found', 'the authorization request has expired'),
    );

  /** The interaction this browser is in, if its cookie names the uid of the URL. */
  async function interactionOf(
    request: FastifyRequest<{ Params: UidParams }>,
    reply: FastifyReply,
  ) {
    const provider = await server.get();
    try {
      const interaction = await provider.interactionDetails(request.raw, reply.raw);
      return interaction.uid === request.params.uid ? interaction : undefined;
    } catch {
      return undefined;
    }
  }

  async function consentPage(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    user: SignedInUser,
    consent: ConsentRequest,
    error: string | null,
  ) {
    reply.header('content-security-policy', pageCsp([consent.redirectUri.origin]));
    const html = renderConsentPage({
      appName: consent.app.name,
      workspaceName: await workspaceName(services, consent.app.workspace_id),
      email: user.email,
      scopes: consent.scopes,
      redirectHost: consent.redirectUri.host,
      action: `${CONSENT_PATH}/${consent.interaction.uid}`,
      csrf: formToken(services, request, reply, user),
      problem: error ?? consent.problem,
    });
    return sendPage(reply, status, html);
  }

  app.get<{ Params: UidParams }>(`${CONSENT_PATH}/:uid`, hide, async (request, reply) => {
    const interaction = await interactionOf(request, reply);
    if (!interaction) return expired(reply);
    const user = await currentUser(services, request);
    if (!user) return reply.redirect(signInUrl(`${CONSENT_PATH}/${interaction.uid}`), 303);
    const consent = await describeRequest(services, interaction, user);
    if (!consent) return expired(reply);
    return consentPage(request, reply, 200, user, consent, null);
  });

  app.post<{ Params: UidParams }>(`${CONSENT_PATH}/:uid`, hide, async (request, reply) => {
    const interaction = await interactionOf(request, reply);
    if (!interaction) return expired(reply);
    const user = await currentUser(services, request);
    if (!user) return reply.redirect(signInUrl(`${CONSENT_PATH}/${interaction.uid}`), 303);
    const consent = await describeRequest(services, interaction, user);
    if (!consent) return expired(reply);
    if (!isGenuineFormPost(services, request, user)) {
      return consentPage(request, reply, 403, user, consent, EXPIRED_FORM);
    }

    const approve = formField(request, 'decision') === 'approve' && consent.problem === null;
    const result = approve
      ? await approval(services, await server.get(), user, consent)
      : { error: 'access_denied', error_description: 'The user did not allow the request.' };
    request.log.info({ userId: user.userId, appId: consent.app.id, approve }, 'oauth consent');
    reply.hijack();
    const provider = await server.get();
    await provider.interactionFinished(request.raw, reply.raw, result, {
      mergeWithLastSubmission: false,
    });
  });
}

/** A grant of exactly the requested scopes, for this user and app, on our API only. */
async function approval(
  services: Services,
  provider: Provider,
  user: SignedInUser,
  consent: ConsentRequest,
): Promise<InteractionResults> {
  const grant = new provider.Grant({ accountId: user.userId, clientId: consent.app.id });
  grant.addResourceScope(apiResource(provider.issuer), consent.scopes.join(' '));
  const grantId = await grant.save();
  return { login: { accountId: user.userId, remember: false }, consent: { grantId } };
}
