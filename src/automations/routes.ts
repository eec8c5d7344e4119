import type { App, RouteDeps } from '../platform/http/types.js';
import { contactRoutes } from './contact-routes.js';
import { customerEventRoutes } from './customer-event-routes.js';
import { emailTemplateRoutes } from './email-template-routes.js';
import { linkRoutes } from './link-routes.js';
import { reviewRequestRoutes } from './review-request-routes.js';
import { ruleRoutes } from './rule-routes.js';
import { settingsRoutes } from './settings-routes.js';

/** Every route of the testimonial machine, each group in its own scope. */
export async function automationRoutes(app: App, deps: RouteDeps) {
  for (const group of [
    contactRoutes,
    customerEventRoutes,
    ruleRoutes,
    reviewRequestRoutes,
    emailTemplateRoutes,
    settingsRoutes,
    linkRoutes,
  ]) {
    await app.register(async (scope) => group(scope as App, deps));
  }
}
