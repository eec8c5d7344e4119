import { accountRoutes } from './accounts/routes.js';
import { installAuditTrail } from './audit/audit-trail.js';
import { auditRoutes } from './audit/routes.js';
import { automationRoutes } from './automations/routes.js';
import { registerAutomationWorkers } from './automations/workers.js';
import { apiKeyRoutes } from './auth/api-key-routes.js';
import { eventRoutes } from './events/routes.js';
import { registerOAuthWorkers } from './oauth/purge-job.js';
import { oauthRoutes } from './oauth/routes.js';
import { formRoutes } from './forms/routes.js';
import { connectionRoutes } from './integrations/connection-routes.js';
import type { Services } from './platform/context.js';
import { mediaRoutes } from './media/routes.js';
import { emailRoutes } from './platform/mail/routes.js';
import { createHttpApp, type Feature } from './platform/http/app.js';
import type { App } from './platform/http/types.js';
import { metricsRoutes } from './platform/metrics-route.js';
import { testimonialRoutes } from './testimonials/routes.js';
import { openapiWebhooks } from './webhooks/event-types-doc.js';
import { webhookRoutes } from './webhooks/routes.js';
import { registerWebhookWorkers } from './webhooks/worker.js';
import { registerWidgetWorkers } from './widgets/live-announce.js';
import { widgetRoutes } from './widgets/routes.js';

/** Every feature's routes, in the order they register. */
export const FEATURES: Feature[] = [
  testimonialRoutes,
  formRoutes,
  widgetRoutes,
  mediaRoutes,
  webhookRoutes,
  eventRoutes,
  metricsRoutes,
  emailRoutes,
  apiKeyRoutes,
  auditRoutes,
  accountRoutes,
  oauthRoutes,
  automationRoutes,
  connectionRoutes,
];

/** Hooks over every route: admin writes are recorded in the audit log. */
export const HOOKS = [installAuditTrail];

/** Jobs and event subscribers each feature contributes, wired once per process. */
export function registerWorkers(services: Services): void {
  registerWebhookWorkers(services);
  registerWidgetWorkers(services);
  registerAutomationWorkers(services);
  registerOAuthWorkers(services);
}

export async function buildApp(services: Services): Promise<App> {
  registerWorkers(services);
  return createHttpApp(services, {
    features: FEATURES,
    hooks: HOOKS,
    openapiExtras: { webhooks: openapiWebhooks() },
  });
}
