import type { App, RouteDeps } from '../platform/http/types.js';
import { formApiRoutes } from './api-routes.js';
import { hostedFormRoutes } from './hosted-routes.js';

/** Forms API (`/v1/forms`) and the hosted submission page (`/f/:slug`). */
export async function formRoutes(app: App, deps: RouteDeps) {
  await formApiRoutes(app, deps);
  // Its own scope: form-post parsing, HTML errors and page headers stay off the API.
  await app.register(async (scope) => hostedFormRoutes(scope as App, deps));
}
