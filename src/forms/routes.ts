import type { App, RouteDeps } from '../platform/http/types.js';

/** Forms API (`/v1/forms`) and the hosted submission page (`/f/:slug`). */
export async function formRoutes(_app: App, _deps: RouteDeps) {}
