import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { AuditEntrySchema, ListAuditQuery } from './schema.js';
import { listAuditEntries } from './store.js';

const tags = ['audit log'];
const security = [{ apiKey: [] }];

/** `GET /v1/audit-log`: admin actions and credential use, newest first. */
export async function auditRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(AuditEntrySchema);

  app.get(
    '/v1/audit-log',
    {
      onRequest: requireScope('audit_log:read'),
      schema: {
        tags,
        security,
        summary: 'List audit entries, newest first, filtered by action or actor',
        querystring: ListAuditQuery,
        response: { 200: listOf(Type.Ref(AuditEntrySchema)), ...authProblems },
      },
    },
    async (request) => {
      const page = await listAuditEntries(services.db.kysely, workspaceOf(request), request.query);
      return { object: 'list' as const, ...page };
    },
  );
}
