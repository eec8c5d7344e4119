import { preparePageScope } from '../accounts/routes.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { oauthAppRoutes } from './apps-routes.js';
import { consentRoutes } from './consent-routes.js';
import { OAuthServer } from './oauth-server.js';
import { METADATA_PATH } from './provider.js';
import { ensurePurgeJob } from './purge-job.js';

const hide = { schema: { hide: true } };

/**
 * The OAuth 2 authorization server: oidc-provider's endpoints under /oauth and the
 * RFC 8414 metadata, our consent page, and the `/v1/oauth-apps` API.
 */
export async function oauthRoutes(app: App, deps: RouteDeps) {
  const { services } = deps;
  const server = new OAuthServer(services);
  app.addHook('onReady', async () => ensurePurgeJob(services));
  // The same switch the HTTP layer reads (see platform/http/app.ts).
  const trustProxy = services.config.trustProxy;

  for (const url of ['/oauth/*', METADATA_PATH]) {
    app.route({
      method: ['GET', 'POST', 'OPTIONS'],
      url,
      ...hide,
      onRequest: (request, reply) => server.handOver(request, reply, trustProxy),
      // Never reached: the onRequest hook has handed the request to oidc-provider.
      handler: async () => undefined,
    });
  }

  await app.register(async (pages) => {
    await preparePageScope(pages as App, services);
    await consentRoutes(pages as App, services, server);
  });
  await app.register(async (api) => oauthAppRoutes(api as App, deps));
}
