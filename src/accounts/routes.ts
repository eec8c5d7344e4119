import formbody from '@fastify/formbody';
import type { FastifyError } from 'fastify';
import type { Services } from '../platform/context.js';
import { toAppError } from '../platform/http/error-handler.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { LoginThrottle } from './login-throttle.js';
import { ACCOUNT_CSS_ASSET } from './assets.js';
import { applyOwnOriginCors, sendPage } from './http.js';
import { invitationRoutes } from './invitation-routes.js';
import { renderMessagePage } from './pages.js';
import { passwordRoutes } from './password-routes.js';
import { signInRoutes } from './sign-in-routes.js';

/** Account forms are small; anything bigger is refused before it is read. */
const ACCOUNT_BODY_LIMIT_BYTES = 16 * 1024;
/** Reset links per address and per IP in 15 minutes: enough for typos, too few to flood a mailbox. */
const RESET_REQUESTS_PER_EMAIL = 3;
const RESET_REQUESTS_PER_IP = 30;

/**
 * Prepares a scope for cookie-authenticated pages: form posts only, same-origin CORS,
 * errors as pages. The OAuth consent page uses it too.
 */
export async function preparePageScope(app: App, services: Services): Promise<void> {
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: ACCOUNT_BODY_LIMIT_BYTES });
  app.addHook('onRequest', async (request, reply) => {
    applyOwnOriginCors(request, reply, services.config.publicUrl);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code }, 'request rejected');
    const page =
      appError.status >= 500
        ? renderMessagePage('Something went wrong', 'Please try again in a minute.')
        : renderMessagePage('This request could not be read', 'Please go back and try again.');
    return sendPage(reply, appError.status, page);
  });
}

/** Server-rendered account pages under /account: sign-in, reset, invitations, the account page. */
export async function accountRoutes(app: App, { services }: RouteDeps) {
  await preparePageScope(app, services);
  const { loginAttemptsPerAccount, loginAttemptsPerIp } = services.config.accounts;
  const signInThrottle = LoginThrottle.shared(services, 'sign-in', {
    perAccount: loginAttemptsPerAccount,
    perIp: loginAttemptsPerIp,
  });
  const resetThrottle = LoginThrottle.shared(services, 'password-reset', {
    perAccount: RESET_REQUESTS_PER_EMAIL,
    perIp: RESET_REQUESTS_PER_IP,
  });

  app.get(ACCOUNT_CSS_ASSET.path, { schema: { hide: true } }, async (request, reply) => {
    const versioned = (request.query as { v?: unknown }).v === ACCOUNT_CSS_ASSET.version;
    return reply
      .header(
        'cache-control',
        versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      )
      .type(ACCOUNT_CSS_ASSET.contentType)
      .send(ACCOUNT_CSS_ASSET.body);
  });
  await signInRoutes(app, { services, throttle: signInThrottle });
  await passwordRoutes(app, { services, signInThrottle, resetThrottle });
  await invitationRoutes(app, { services, throttle: signInThrottle });
}
