import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { IdParams, authProblems } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { createHook, deleteHook } from './hooks.js';
import { CreateHookBody, HookSchema } from './schema.js';

const tags = ['webhooks'];
const security = [{ apiKey: [] }];

/** REST hooks (`/v1/hooks`): subscribe and unsubscribe as Zapier, Make and n8n do. */
export async function hookRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(HookSchema);
  const write = requireScope('webhooks:write');

  app.post(
    '/v1/hooks',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Subscribe a target URL to one event type or wildcard (REST hooks)',
        body: CreateHookBody,
        response: { 201: Type.Ref(HookSchema), ...authProblems },
      },
    },
    async (request, reply) => {
      const hook = await createHook(services, workspaceOf(request), request.body);
      return reply.code(201).send(hook);
    },
  );

  app.delete(
    '/v1/hooks/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Unsubscribe a REST hook',
        params: IdParams,
        response: { 200: Type.Ref(HookSchema), ...authProblems },
      },
    },
    async (request) => deleteHook(services, workspaceOf(request), request.params.id),
  );
}
