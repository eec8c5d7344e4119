import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import {
  CreateOAuthAppBody,
  CreatedOAuthAppSchema,
  ListOAuthAppsQuery,
  OAuthAppSchema,
  UpdateOAuthAppBody,
} from './apps-schema.js';
import { createApp, deleteApp, getApp, updateApp } from './apps-service.js';
import { listAppRows, toOAuthApp } from './apps-store.js';

const tags = ['oauth-apps'];
const security = [{ apiKey: [] }];
const One = Type.Ref(OAuthAppSchema);

/** OAuth apps the workspace registers (`/v1/oauth-apps`): its third-party and server integrations. */
export async function oauthAppRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(OAuthAppSchema);
  app.addSchema(CreatedOAuthAppSchema);
  const read = requireScope('oauth_apps:read');
  const write = requireScope('oauth_apps:write');

  app.get(
    '/v1/oauth-apps',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List OAuth apps, newest first, with cursor pagination',
        querystring: ListOAuthAppsQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listAppRows(services.db.kysely, workspaceOf(request), request.query);
      return { object: 'list' as const, data: page.rows.map(toOAuthApp), has_more: page.has_more };
    },
  );

  app.post(
    '/v1/oauth-apps',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Register an OAuth app; the response carries its client secret, once',
        body: CreateOAuthAppBody,
        response: { 201: Type.Ref(CreatedOAuthAppSchema), ...authProblems },
      },
    },
    async (request, reply) => {
      const created = await createApp(services, workspaceOf(request), request.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/oauth-apps/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get an OAuth app',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => getApp(services, workspaceOf(request), request.params.id),
  );

  app.patch(
    '/v1/oauth-apps/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Rename an app or change its redirect URIs or scopes (issued tokens narrow too)',
        params: IdParams,
        body: UpdateOAuthAppBody,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => updateApp(services, workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/oauth-apps/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Delete an OAuth app and revoke every token it holds',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => deleteApp(services, workspaceOf(request), request.params.id),
  );
}
