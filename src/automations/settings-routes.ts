import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { authProblems } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { AutomationSettingsSchema, UpdateAutomationSettingsBody } from './settings-schema.js';
import { loadSettings, saveSettings } from './settings-store.js';

const tags = ['review requests'];
const security = [{ apiKey: [] }];
const One = Type.Ref(AutomationSettingsSchema);

/** `/v1/automation-settings`: the workspace's time zone, email colours and reminder delay. */
export async function settingsRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(AutomationSettingsSchema);
  const read = requireScope('review-requests:read');
  const write = requireScope('review-requests:write');
  const { kysely } = services.db;

  app.get(
    '/v1/automation-settings',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get the automation settings',
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => loadSettings(kysely, workspaceOf(request)),
  );

  app.patch(
    '/v1/automation-settings',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Change the automation settings',
        body: UpdateAutomationSettingsBody,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const nowIso = new Date(services.clock.nowMs()).toISOString();
      return saveSettings(kysely, workspaceOf(request), request.body, nowIso);
    },
  );
}
