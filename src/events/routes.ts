import type { App, RouteDeps } from '../platform/http/types.js';

/** The event log (`/v1/events`). */
export async function eventRoutes(_app: App, _deps: RouteDeps) {}
