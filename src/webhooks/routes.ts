import type { App, RouteDeps } from '../platform/http/types.js';

/** Webhook endpoints API (`/v1/webhook-endpoints`) and their deliveries. */
export async function webhookRoutes(_app: App, _deps: RouteDeps) {}
