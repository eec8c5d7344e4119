import type { App, RouteDeps } from '../platform/http/types.js';
import { formApiRoutes } from './api-routes.js';

/** Forms API (`/v1/forms`) and the hosted submission page (`/f/:slug`). */
export async function formRoutes(app: App, deps: RouteDeps) {
  await formApiRoutes(app, deps);
}
