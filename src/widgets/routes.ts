import type { App, RouteDeps } from '../platform/http/types.js';

/** Widgets API (`/v1/widgets`), the public feed, `/embed.js` and `/demo`. */
export async function widgetRoutes(_app: App, _deps: RouteDeps) {}
